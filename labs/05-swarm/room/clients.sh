# clients.sh - the students who join the class swarm late, for room.sh
# (sourced): one behind a NAT router, and three with other clients, each on
# its default settings. They start together, once the six students have the
# file (and stay, seeding, as the handout's peers do).

client_lines=()
client_result() {  # WHO RESULT
    client_lines+=("$(printf '  %-40s %s' "$1" "$2")")
}

# A python3 that has libtorrent's bindings (Debian: python3-libtorrent, which
# is for the system's /usr/bin/python3), or nothing.
libtorrent_python() {
    local python
    for python in python3 /usr/bin/python3; do
        command -v "$python" >/dev/null 2>&1 && "$python" -c 'import libtorrent' 2>/dev/null &&
            { echo "$python"; return; }
    done
}

# Each late student's process, start and time to the whole file (or "never").
declare -A late_pid=() late_start=() late_done=()
now() { echo "$EPOCHREALTIME"; }

# join_late RUN
join_late() {
    local run=$1 dir=$work/$1 python name file waiting last=$SECONDS started=$SECONDS
    mkdir -p "$dir/nat" "$dir/aria2c" "$dir/libtorrent" "$dir/transmission" "$dir/transmission-config"
    cp "$dir/s1/lecture.bin.torrent" "$dir/late.torrent"

    # Behind NAT: the handout's student command, through the router.
    if [ $nat_ready = yes ] && fetch_patiently nat http://10.77.0.1:8000/lecture.bin.torrent "$dir/nat/lecture.bin.torrent"; then
        start nat "$dir/nat" "$dir/nat/peer.out" "$dir/nat/peer.err" "$bin/peer" lecture.bin.torrent --data lecture.bin \
            --port 6881 --upload-rate "$up_rate" --download-rate "$down_rate" --time-scale "$time_scale" --leave-when-done
        late_pid[nat]=$! late_start[nat]=$(now)
    else
        client_result "our peer behind NAT (192.168.77.2)" "skipped: no nft or iptables for the router's masquerade (apt-get install nftables)"
    fi
    if command -v aria2c >/dev/null 2>&1; then
        start aria "$dir/aria2c" "$dir/aria2c/out" "$dir/aria2c/err" aria2c --seed-time=0 --summary-interval=0 \
            --console-log-level=warn "$dir/late.torrent"
        late_pid[aria2c]=$! late_start[aria2c]=$(now)
    else
        client_result "aria2c (10.77.0.21)" "skipped: not installed (apt-get install aria2)"
    fi
    python=$(libtorrent_python)
    if [ -n "$python" ]; then
        start lt "$dir/libtorrent" "$dir/libtorrent/out" "$dir/libtorrent/err" "$python" "$room_dir/libtorrent_client.py" \
            "$dir/late.torrent"
        late_pid[libtorrent]=$! late_start[libtorrent]=$(now)
    else
        client_result "libtorrent (10.77.0.22)" "skipped: not installed (apt-get install python3-libtorrent)"
    fi
    if command -v transmission-cli >/dev/null 2>&1; then
        # Its defaults, but for where it keeps its settings and the download.
        start tr "$dir/transmission" "$dir/transmission/out" "$dir/transmission/err" transmission-cli \
            -g "$dir/transmission-config" -w "$dir/transmission" "$dir/late.torrent"
        late_pid[transmission]=$! late_start[transmission]=$(now)
    else
        client_result "Transmission (10.77.0.23)" "skipped: not installed (apt-get install transmission-cli)"
    fi
    [ ${#late_pid[@]} -gt 0 ] || return
    say "late: ${!late_pid[*]} join the swarm (the six students stay, seeding)"

    # Done: the client's file is the lecture's, byte for byte. (aria2c and
    # our peer then leave; libtorrent and Transmission would seed on, and are stopped.)
    while :; do
        waiting=""
        for name in "${!late_pid[@]}"; do
            [ -n "${late_done[$name]:-}" ] && continue
            file=$dir/$name/lecture.bin
            if [ -f "$file" ] && cmp -s "$work/lecture.bin" "$file"; then
                late_done[$name]=$(awk -v a="${late_start[$name]}" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
                [ "$name" = nat ] || kill "${late_pid[$name]}" 2>/dev/null
            elif [ $((SECONDS - started)) -ge $patience ]; then
                late_done[$name]=never
            else
                waiting="$waiting $name"
            fi
        done
        [ -z "$waiting" ] && break
        if [ $((SECONDS - last)) -ge 5 ]; then say "  late: waiting for$waiting"; last=$SECONDS; fi
        sleep 0.5
    done
    fetch_status "$run"
    report_late "$run"
}

# Who dialed whom: our peers log each connection as
# "ADDRESS:PORT: connected (we dialed|it dialed, ...)".
connections() {  # RUN ADDRESS "we dialed"|"it dialed": which of our peers logged it
    local who="" i
    grep -q "^${2//./\\.}:[0-9]*: connected ($3" "$work/$1/inst/seed.err" && who="seed"
    for i in $(seq 1 "$students"); do
        grep -q "^${2//./\\.}:[0-9]*: connected ($3" "$work/$1/s$i/peer.err" && who="$who s$i"
    done
    echo "${who# }"
}

report_late() {
    local run=$1 name who result address dialed_us dialed_it
    for name in nat aria2c libtorrent transmission; do
        [ -n "${late_pid[$name]:-}" ] || continue
        case $name in
            nat) who="our peer behind NAT (192.168.77.2)"; address=10.77.0.20 ;;
            aria2c) who="aria2c $(aria2c --version | sed -n '1s/.* //p') (10.77.0.21)"; address=10.77.0.21 ;;
            libtorrent) who="libtorrent $(sed -n 's/^libtorrent //p' "$work/$run/libtorrent/out" | head -n 1) (10.77.0.22)"; address=10.77.0.22 ;;
            transmission) who="Transmission $(transmission-cli --version 2>&1 | sed -n '1s/^transmission-cli \([^ ]*\).*/\1/p'), defaults (10.77.0.23)"
                          address=10.77.0.23 ;;
        esac
        dialed_us=$(connections "$run" "$address" "it dialed")
        dialed_it=$(connections "$run" "$address" "we dialed")
        if [ "${late_done[$name]}" = never ]; then
            result="FAIL: not complete after $patience s"
            fail "$who did not get the file in $patience s"
        else
            result="complete in ${late_done[$name]} s, byte for byte"
            pass "$who has the file"
        fi
        client_result "$who" "$result; it dialed: ${dialed_us:-none}; dialed it: ${dialed_it:-none}"
    done
    if [ -n "${late_pid[nat]:-}" ]; then
        if grep -q '^peer .* address=10\.77\.0\.20:6881 ' "$work/$run/status.txt" && [ -z "$(connections "$run" 10.77.0.20 "we dialed")" ]; then
            pass "the student behind NAT is listed at its router's address, 10.77.0.20:6881, where no peer reaches it"
        else
            fail "the student behind NAT: not listed at 10.77.0.20:6881, or a peer reached it there"
        fi
    fi
}
