#!/usr/bin/env bash
# room.sh - lab 05's class swarm in a lab room made of network namespaces
# (make lab05-room; Linux, root).
#
#   bash labs/05-swarm/room/room.sh [BIN]          (BIN: where peer, tracker and make_torrent are)
#   bash labs/05-swarm/room/room.sh --can-run      (can this machine make the room?)
#
# The room: a switch (a bridge, in a namespace of its own), the instructor at
# 10.77.0.1 and fd00:77::1, six students at 10.77.0.11-16 (and fd00:77::11-16),
# a student behind a router that masquerades (NAT) at 10.77.0.20, and three
# students who bring other clients: aria2c (.21), libtorrent (.22) and
# Transmission (.23). Each is a network namespace, as in lab 00's
# two_hosts.sh: its own interfaces, addresses and ports.
#
#   1. The class swarm, as the handout runs it: the instructor's tracker,
#      torrent (announce URL http://10.77.0.1:6969/announce), web server and
#      seed; each student fetches the torrent and starts a peer on port 6881.
#      The peers keep to their rates with their token buckets.
#   2. The status page, from a student's machine: every student at the
#      address it has in the room; an announce over IPv6; a reply in BEP 3's
#      dictionary form that names only room addresses.
#   3. The students who join late: behind NAT; aria2c, libtorrent and
#      Transmission, each with its default settings (a client that is not
#      installed is skipped, and the room says so).
#   4. The same swarm again with no rate in the peers: the kernel's tbf
#      queueing discipline holds each link to the same rates.
#
# Then a table of the swarm's times against D_p2p, PASS or FAIL, and exit
# status 0 or 1. Everything made here (namespaces, links, processes, files)
# is removed when the script ends, however it ends (Ctrl-C included).
# Not root, or not Linux: one line says why, and the exit status is 0.
set -u

# ---------------------------------------------------------------- can this machine make a room?
# `room.sh --can-run`: exit 0 if it can; else one line says why not, exit 1
# (make lab05-room asks first, and builds the programs only if it can).
why_not=""
if [ "$(uname -s)" != Linux ]; then why_not="network namespaces are Linux's (this is $(uname -s))"
elif [ "$(id -u)" != 0 ]; then why_not="making network namespaces needs root (sudo make lab05-room)"
elif ! command -v ip >/dev/null 2>&1 || ! command -v tc >/dev/null 2>&1; then
    why_not="the 'ip' and 'tc' commands are missing (Debian/Ubuntu: apt-get install iproute2)"
fi
if [ "${1:-}" = --can-run ]; then
    [ -z "$why_not" ] && exit 0
    echo "lab05-room: skipped: $why_not"
    exit 1
fi
[ -z "$why_not" ] || { echo "lab05-room: skipped: $why_not"; exit 0; }

bin=$(cd "${1:-bin}" 2>/dev/null && pwd) || { echo "room: no folder ${1:-bin}" >&2; exit 1; }
for program in peer tracker make_torrent; do
    [ -x "$bin/$program" ] || { echo "room: $bin/$program is missing (make $bin/$program)" >&2; exit 1; }
done
room_dir=$(cd "$(dirname "$0")" && pwd)
say() { printf 'room: [%3ds] %s\n' "$SECONDS" "$*"; }

# The swarm: small enough that D_p2p is a few seconds.
file_size=$((8 * 1024 * 1024))  # F: 8 MiB, 32 pieces
seed_rate=$((4 * 1024 * 1024))  # us: 4 MiB/s
up_rate=$((1 * 1024 * 1024))    # ui: 1 MiB/s
down_rate=$((4 * 1024 * 1024))  # di: 4 MiB/s
students=6
patience=60                     # seconds for a swarm or a client to complete
time_scale=0.1                  # the choker's 10 s and 30 s become 1 s and 3 s, for a swarm of seconds

# Every name starts with the prefix and this run's process id: two rooms, or
# lab 00's hosts (lab-a, lab-b), never meet.
prefix="l5r$$"
work=$(mktemp -d "${TMPDIR:-/tmp}/lab05-room.XXXXXX")
namespaces=()
pids=()
cleaned=no
cleanup() {
    [ $cleaned = yes ] && return
    cleaned=yes
    local pid ns
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    # Whatever else still runs in a room namespace was started here too.
    for ns in "${namespaces[@]}"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    done
    wait 2>/dev/null
    for ns in "${namespaces[@]}"; do ip netns delete "$ns" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'echo; say "interrupted: removing the room"; cleanup; exit 130' INT
trap 'say "terminated: removing the room"; cleanup; exit 143' TERM

source "$room_dir/net.sh"
source "$room_dir/swarm.sh"
source "$room_dir/clients.sh"

failures=()
pass() { say "PASS  $*"; }
fail() { say "FAIL  $*"; failures+=("$*"); }

# ---------------------------------------------------------------- 0. the room
say "making the room: a switch, the instructor, $students students, a NAT router, three students with other clients"
make_room || { echo "room: could not make the room's namespaces (a container without the right?)" >&2; exit 1; }
say "the room is up: instructor 10.77.0.1, students 10.77.0.11-1$students, NAT router 10.77.0.20 (student 192.168.77.2 behind it)"

# ---------------------------------------------------------------- 1. the class swarm, token buckets
tb_time="" tb_bound="" tb_sent=""
if start_instructor tb --upload-rate "$seed_rate"; then
    say "instructor: tracker on 10.77.0.1:6969, lecture.bin.torrent on http://10.77.0.1:8000/, seed on 6881 at $(rate_text $seed_rate)"
    start_students tb --upload-rate "$up_rate" --download-rate "$down_rate"
    if wait_swarm tb; then
        tb_time=$swarm_time
        tb_bound=$(status_field tb d_p2p)
        sleep 1  # one more progress line from each peer
        tb_sent=$(sent_total tb)
        pass "token buckets: $students students have lecture.bin byte for byte; the tracker says elapsed $tb_time s, d_p2p $tb_bound s"
    else
        fail "token buckets: the class swarm did not complete ($swarm_why)"
    fi
    check_status_page tb
    join_late tb
    stop_swarm tb
else
    fail "the instructor's tracker, web server or seed did not start"
fi

# ---------------------------------------------------------------- 4. the same swarm over tbf links
tbf_time="" tbf_sent=""
say "tbf links: the kernel holds each link to the rates (upload on the student's interface, download on the switch's port); the peers have no limit"
shape_links
if start_instructor tbf; then
    start_students tbf
    if wait_swarm tbf; then
        tbf_time=$swarm_time
        sleep 1
        tbf_sent=$(sent_total tbf)
        pass "tbf links: $students students have lecture.bin byte for byte; the tracker says elapsed $tbf_time s"
    else
        fail "tbf links: the class swarm did not complete ($swarm_why)"
    fi
    report_tbf_queues
    stop_swarm tbf
else
    fail "the instructor's tracker, web server or seed did not start (tbf)"
fi

# ---------------------------------------------------------------- the table
bound=$(d_p2p "$file_size" "$seed_rate" "$up_rate" "$down_rate" "$students")
echo
echo "lab05-room: N = $students, F = 8 MiB, us = $(rate_text $seed_rate), ui = $(rate_text $up_rate), di = $(rate_text $down_rate): D_p2p = $bound s"
printf '%-36s %9s %9s %8s %18s\n' "links" "swarm" "D_p2p" "x D_p2p" "blocks sent"
for run in tb tbf; do
    if [ $run = tb ]; then label="the peers' token buckets"; t=$tb_time; sent=$tb_sent
    else label="tbf on every link (the kernel)"; t=$tbf_time; sent=$tbf_sent; fi
    if [ -n "$t" ]; then
        printf '%-36s %7.3f s %7.3f s %7.2fx %5s MiB of %d\n' "$label" "$t" "$bound" \
            "$(awk -v t="$t" -v b="$bound" 'BEGIN { print t / b }')" "$sent" $((students * file_size / 1048576))
    else
        printf '%-36s %9s %7.3f s %8s\n' "$label" "-" "$bound" "-"
    fi
done
[ -n "$tb_bound" ] && [ "$(awk -v a="$tb_bound" -v b="$bound" 'BEGIN { print (a - b < 0.001 && b - a < 0.001) }')" = 0 ] &&
    fail "the tracker's d_p2p ($tb_bound s) is not lab 04's D_p2p ($bound s)"
[ ${#client_lines[@]} = 0 ] || echo "students who joined late (after the six had the file):"
for line in "${client_lines[@]}"; do echo "$line"; done
echo
if [ ${#failures[@]} = 0 ]; then
    echo "lab05-room: PASS"
    exit 0
fi
echo "lab05-room: FAIL (${#failures[@]}):"
printf '  %s\n' "${failures[@]}"
exit 1
