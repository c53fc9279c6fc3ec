#!/bin/sh
# check_infohash.sh - does a real BitTorrent client agree with make_torrent?
#
#   sh labs/05-swarm/tools/check_infohash.sh [path/to/make_torrent]
#
# For a few files and piece lengths: make_torrent writes the .torrent and
# prints its info hash; `aria2c -S` must print the same one, and aria2c,
# checking the file against the torrent's piece hashes, must find it whole.
# Without aria2c (apt-get install aria2) it says so and skips: exit 0.
# aria2c talks to nobody: the tracker URL is a closed port on 127.0.0.1, and
# DHT, peer exchange and local peer discovery are off.
make_torrent=${1:-bin/make_torrent}

if ! command -v aria2c >/dev/null 2>&1; then
    echo "check_infohash: skipped: aria2c is not installed (apt-get install aria2)"
    exit 0
fi
if [ ! -x "$make_torrent" ]; then
    echo "check_infohash: $make_torrent is not there: build it first (make lab05-lib)" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# check NAME SIZE [PIECE_LENGTH]: a file of SIZE random bytes.
check() {
    name=$1 size=$2 pieces=$3
    head -c "$size" /dev/urandom >"$work/$name"
    ours=$("$make_torrent" "$work/$name" http://127.0.0.1:9/announce -o "$work/$name.torrent" \
        ${pieces:+--piece-length $pieces} 2>/dev/null)
    theirs=$(aria2c -S "$work/$name.torrent" | sed -n 's/^Info Hash: //p')
    # --check-integrity hashes every piece of the file already there; with
    # --seed-time=0 aria2c then stops at once, and exits 0 only if all matched.
    if [ -n "$ours" ] && [ "$ours" = "$theirs" ] &&
        aria2c --check-integrity=true --seed-time=0 --bt-stop-timeout=5 --enable-dht=false --enable-dht6=false \
            --bt-enable-lpd=false --enable-peer-exchange=false --summary-interval=0 --console-log-level=error \
            --download-result=hide --dir="$work" "$work/$name.torrent" >"$work/aria2c.log" 2>&1; then
        echo "PASS  $name ($size bytes${pieces:+, pieces of $pieces}): info hash $ours, every piece checked"
        passed=$((passed + 1))
    else
        echo "FAIL  $name ($size bytes${pieces:+, pieces of $pieces}): make_torrent says '$ours', aria2c says '$theirs'"
        sed 's/^/      /' "$work/aria2c.log" 2>/dev/null | head -5
        failed=$((failed + 1))
    fi
}

check one-byte.bin 1
check one-piece.bin 262144
check default.bin 1000000
check small-pieces.bin 100000 16384
check odd-pieces.bin 100001 30000

echo "check_infohash: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
