# swarm.sh - the class swarm as the handout runs it, for room.sh (sourced).
#
# Each run (tb: token buckets, tbf: tbf links) has its own folder, $work/RUN,
# with one folder per machine: inst/ (the tracker, the torrent, the web
# server, the seed) and s1/ ... s6/ (each student's torrent, file and peer).

announce_url=http://10.77.0.1:6969/announce

# start NAME DIR OUT ERR PROGRAM ARGS...: PROGRAM runs on machine NAME, in
# folder DIR; its process id is kept, to be stopped at the end.
start() {
    local name=$1 dir=$2 out=$3 err=$4
    shift 4
    (cd "$dir" && exec ip netns exec "$(ns "$name")" "$@") > "$out" 2> "$err" &
    pids+=($!)
}

# The port of a program's ready line, once it is there (nothing after 10 s).
wait_ready() {
    local waited=0
    while [ ! -s "$1" ] && [ $waited -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
    head -n 1 "$1" | sed -n 's/^The .* is ready to receive on port \([0-9][0-9]*\)$/\1/p'
}

# fetch NAME URL FILE: an HTTP GET from machine NAME (curl, or python3 without it).
fetch() {
    if command -v curl >/dev/null 2>&1; then
        in_ns "$1" curl -sfg --max-time 5 -o "$3" "$2"
    else
        in_ns "$1" python3 -c 'import sys, urllib.request
open(sys.argv[2], "wb").write(urllib.request.urlopen(sys.argv[1], timeout=5).read())' "$2" "$3" 2>/dev/null
    fi
}

# The same, tried for up to 5 s (a server that is still starting).
fetch_patiently() {
    local tries=0
    until fetch "$@"; do
        tries=$((tries + 1))
        [ $tries -lt 25 ] || return 1
        sleep 0.2
    done
}

# start_instructor RUN [SEED OPTIONS...]: the handout's four terminals on the
# instructor's machine.
start_instructor() {
    local run=$1 dir=$work/$1/inst
    shift
    mkdir -p "$dir"
    [ -f "$work/lecture.bin" ] || head -c "$file_size" /dev/urandom > "$work/lecture.bin"
    cp "$work/lecture.bin" "$dir/lecture.bin"
    start inst "$dir" "$dir/tracker.out" "$dir/tracker.err" "$bin/tracker"
    [ -n "$(wait_ready "$dir/tracker.out")" ] || { cat "$dir/tracker.err" >&2; return 1; }
    (cd "$dir" && "$bin/make_torrent" lecture.bin "$announce_url") > "$dir/info_hash" 2> "$dir/make_torrent.err" ||
        { cat "$dir/make_torrent.err" >&2; return 1; }
    head -n 1 "$dir/info_hash" > "$dir/info_hash.hex"
    start inst "$dir" "$dir/web.out" "$dir/web.err" python3 -m http.server 8000
    start inst "$dir" "$dir/seed.out" "$dir/seed.err" "$bin/peer" lecture.bin.torrent --data lecture.bin --seed \
        --port 6881 --time-scale "$time_scale" "$@"
    [ -n "$(wait_ready "$dir/seed.out")" ] || { tail -n 5 "$dir/seed.err" >&2; return 1; }
    fetch_patiently inst http://10.77.0.1:8000/lecture.bin.torrent "$dir/check.torrent" ||
        { tail -n 5 "$dir/web.err" >&2; return 1; }
}

# start_students RUN [PEER OPTIONS...]: each student fetches the torrent, then
# all start their peers at once, as a class does when told "go".
start_students() {
    local run=$1 i dir
    shift
    for i in $(seq 1 "$students"); do
        dir=$work/$run/s$i
        mkdir -p "$dir"
        fetch_patiently "s$i" http://10.77.0.1:8000/lecture.bin.torrent "$dir/lecture.bin.torrent" ||
            say "student $i could not fetch the torrent"
    done
    for i in $(seq 1 "$students"); do
        dir=$work/$run/s$i
        start "s$i" "$dir" "$dir/peer.out" "$dir/peer.err" "$bin/peer" lecture.bin.torrent --data lecture.bin \
            --port 6881 --time-scale "$time_scale" "$@"
    done
}

# The last line of a peer's stdout that says how many pieces it has.
pieces_of() { sed -n 's/^progress t=[0-9.]* pieces=\([0-9]*\)\/.*/\1/p' "$1" | tail -n 1; }

# The instructor's status page, fetched from student 1's machine.
fetch_status() { fetch s1 http://10.77.0.1:6969/status.txt "$work/$1/status.txt"; }
status_field() { sed -n "s/^torrent .* $2=\([^ ]*\).*/\1/p" "$work/$1/status.txt" | head -n 1; }

# wait_swarm RUN: until every student's peer has the file, byte for byte, and
# the tracker says complete; sets swarm_time (the tracker's elapsed) or swarm_why.
swarm_time=""
swarm_why=""
wait_swarm() {
    local run=$1 start=$SECONDS last=-2 i done pieces count dir
    swarm_time="" swarm_why=""
    while :; do
        done=0 pieces=""
        for i in $(seq 1 "$students"); do
            dir=$work/$run/s$i
            grep -q '^complete t=' "$dir/peer.out" 2>/dev/null && done=$((done + 1))
            count=$(pieces_of "$dir/peer.out")
            pieces="$pieces ${count:--}"
        done
        if [ $done = "$students" ]; then
            fetch_status "$run" && [ "$(status_field "$run" complete)" = yes ] && break
        fi
        if [ $((SECONDS - start)) -ge $patience ]; then
            swarm_why="$done of $students complete after $patience s"
            return 1
        fi
        if [ $((SECONDS - last)) -ge 2 ]; then
            say "  $run: $done/$students students complete; pieces of 32:$pieces"
            last=$SECONDS
        fi
        sleep 0.2
    done
    for i in $(seq 1 "$students"); do
        cmp -s "$work/lecture.bin" "$work/$run/s$i/lecture.bin" || { swarm_why="student $i's file differs"; return 1; }
    done
    swarm_time=$(status_field "$run" elapsed)
    say "  $run: every peer's own clock: $(for i in $(seq 1 "$students"); do
        sed -n 's/^complete t=//p' "$work/$run/s$i/peer.out"; done | tr '\n' ' ')s"
}

# stop_swarm RUN: every program of the run ends (peers say `stopped` to the tracker first).
stop_swarm() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    wait 2>/dev/null
    pids=()
}

# ---------------------------------------------------------------- the status page
# From student 1's machine: each student is listed at its own room address
# (the address its announce came from), on the text page and the HTML page;
# no address outside the room appears.
check_status_page() {
    local run=$1 i missing="" strangers html=$work/$1/status.html
    fetch_status "$run" && fetch s1 http://10.77.0.1:6969/ "$html" || { fail "the status page could not be fetched from a student's machine"; return; }
    for i in $(seq 1 "$students"); do
        grep -q "^peer .* address=10\.77\.0\.1$i:6881 .* completed=[0-9]" "$work/$run/status.txt" &&
            grep -q "10\.77\.0\.1$i:6881" "$html" || missing="$missing 10.77.0.1$i"
    done
    grep -q "^peer .* address=10\.77\.0\.1:6881 .* seed=yes " "$work/$run/status.txt" || missing="$missing 10.77.0.1 (the seed)"
    strangers=$(sed -n 's/^peer .* address=\([^ ]*\) .*/\1/p' "$work/$run/status.txt" | grep -v '^10\.77\.0\.' | tr '\n' ' ')
    if [ -z "$missing" ] && [ -z "$strangers" ]; then
        pass "status page (from student 1's machine): the seed and each of the $students students at its room address, text and HTML"
    else
        fail "status page: missing:${missing:- none}; addresses outside the room: ${strangers:-none}"
    fi
    check_ipv6_announce "$run"
}

# An announce over IPv6 from student 2's machine, asking for BEP 3's
# dictionary form: every peer it names is at a room address, and the status
# page lists the announcer at its IPv6 address. Then it says `stopped`.
check_ipv6_announce() {
    local run=$1 hash query reply=$work/$1/ipv6_reply ips strangers
    hash=$(sed 's/../%&/g' "$work/$run/inst/info_hash.hex")
    query="info_hash=$hash&peer_id=-RM0001-ipv6student2&port=6999&uploaded=0&downloaded=0&left=$file_size"
    if ! fetch s2 "http://[fd00:77::1]:6969/announce?$query&event=started&compact=0" "$reply"; then
        fail "an announce over IPv6 (http://[fd00:77::1]:6969) got no reply"
        return
    fi
    ips=$(grep -aoE '2:ip[0-9]+:[0-9a-f.:]+7:peer id' "$reply" | sed 's/^2:ip[0-9]*://; s/7:peer id$//')
    strangers=$(echo "$ips" | grep -vE '^(10\.77\.0\.[0-9]+|fd00:77::[0-9a-f]+)$' | tr '\n' ' ')
    fetch_status "$run"
    if [ -n "$ips" ] && [ -z "$strangers" ] && grep -q 'address=\[fd00:77::12\]:6999 ' "$work/$run/status.txt"; then
        pass "IPv6: an announce to [fd00:77::1] is listed at [fd00:77::12]:6999; its dictionary reply names $(echo "$ips" | wc -l) peers, all in the room"
    else
        fail "IPv6 announce: reply peers '$(echo "$ips" | tr '\n' ' ')', outside the room: '${strangers}'"
    fi
    fetch s2 "http://[fd00:77::1]:6969/announce?$query&event=stopped" /dev/null
}

# MiB of blocks the seed and the students have sent so far (their `up=`,
# what each handed to TCP): the swarm needs N F, one copy for each student.
sent_total() {
    local f
    for f in "$work/$1/inst/seed.out" "$work/$1"/s*/peer.out; do
        grep '^progress' "$f" | tail -n 1 | sed -n 's/.* up=\([0-9]*\) .*/\1/p'
    done | awk '{ sent += $1 } END { printf "%.1f", sent / 1048576 }'
}
