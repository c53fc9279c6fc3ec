#!/usr/bin/env bash
# interop.sh - our peer and aria2c (a real BitTorrent client) trade a file,
# both ways, through our tracker, and the files are compared byte for byte:
#
#   1. aria2c downloads from our seed;
#   2. our peer downloads from an aria2c seed.
#
#   bash labs/05-swarm/tools/interop.sh [BIN]      (make lab05-interop)
#
# Needs $BIN/peer, $BIN/tracker and $BIN/make_torrent. Skips, with a message
# and exit 0, when aria2c is not installed (Debian: apt-get install aria2).
# Every program gets a free port (--port 0 and the ready line; aria2c
# picks its own), every wait has a deadline, and everything started here
# is stopped when the script ends.
set -u
bin=${1:-bin}
patience=60  # seconds for one download (the file is 5 MB, at 2 MiB/s)

if ! command -v aria2c >/dev/null 2>&1; then
    echo "interop: skipped: aria2c is not installed (Debian: apt-get install aria2)"
    exit 0
fi
for program in peer tracker make_torrent; do
    if [ ! -x "$bin/$program" ]; then
        echo "interop: $bin/$program is missing (make $bin/$program)" >&2
        exit 1
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/lab05-interop.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
status=0

# The first line of a program's stdout, once it is there (or nothing after 10 s).
ready_port() {
    local file=$1 waited=0
    while [ ! -s "$file" ] && [ $waited -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
    head -n 1 "$file" | sed -n 's/^The .* is ready to receive on port \([0-9][0-9]*\)$/\1/p'
}

# aria2c as an ordinary client: no DHT, no local discovery, no peer
# exchange, so that it finds peers through our tracker only.
aria2c_common=(--enable-dht=false --enable-dht6=false --bt-enable-lpd=false --enable-peer-exchange=false
               --bt-tracker-interval=2 --summary-interval=0 --console-log-level=warn --check-certificate=false)

# A file of 5,000,000 pseudo-random bytes: 20 pieces, the last one short.
mkdir -p "$work/ours" "$work/aria2c-seed" "$work/aria2c-download" "$work/peer-download"
head -c 5000000 /dev/urandom > "$work/ours/shared.bin"
cp "$work/ours/shared.bin" "$work/aria2c-seed/shared.bin"

"$bin/tracker" --port 0 --interval 2 -q > "$work/tracker.out" 2> "$work/tracker.err" &
pids+=($!)
tracker_port=$(ready_port "$work/tracker.out")
if [ -z "$tracker_port" ]; then echo "interop: the tracker did not start" >&2; cat "$work/tracker.err" >&2; exit 1; fi
"$bin/make_torrent" "$work/ours/shared.bin" "http://127.0.0.1:$tracker_port/announce" -o "$work/shared.torrent" \
    > /dev/null 2> "$work/make_torrent.err" || { cat "$work/make_torrent.err" >&2; exit 1; }

# ---------------------------------------------------------------- 1. aria2c downloads from our seed
"$bin/peer" "$work/shared.torrent" --data "$work/ours/shared.bin" --seed --port 0 --upload-rate 2MiB/s \
    > "$work/seed.out" 2> "$work/seed.err" &
pids+=($!)
[ -n "$(ready_port "$work/seed.out")" ] || { echo "interop: our seed did not start" >&2; cat "$work/seed.err" >&2; exit 1; }
timeout "$patience" aria2c "${aria2c_common[@]}" --dir="$work/aria2c-download" --seed-time=0 \
    --bt-stop-timeout="$patience" "$work/shared.torrent" > "$work/aria2c-download.log" 2>&1
code=$?
if [ $code = 0 ] && cmp -s "$work/ours/shared.bin" "$work/aria2c-download/shared.bin"; then
    echo "interop: PASS  aria2c downloaded the file from our seed, byte for byte ($(grep -c ': connected' "$work/seed.err") connection(s) at our seed)"
else
    echo "interop: FAIL  aria2c did not download the file from our seed (aria2c exit $code); its log and our seed's:" >&2
    tail -n 20 "$work/aria2c-download.log" "$work/seed.err" >&2
    status=1
fi

# ---------------------------------------------------------------- 2. our peer downloads from an aria2c seed
# Our seed leaves first: the only source is aria2c.
kill "${pids[1]}" 2>/dev/null
timeout $((patience + 30)) aria2c "${aria2c_common[@]}" --dir="$work/aria2c-seed" --check-integrity=true \
    --seed-ratio=0.0 "$work/shared.torrent" > "$work/aria2c-seed.log" 2>&1 &
pids+=($!)
timeout "$patience" "$bin/peer" "$work/shared.torrent" --data "$work/peer-download/shared.bin" --port 0 \
    --leave-when-done --progress 5 > "$work/peer.out" 2> "$work/peer.err"
code=$?
if [ $code = 0 ] && grep -q '^complete t=' "$work/peer.out" &&
   cmp -s "$work/ours/shared.bin" "$work/peer-download/shared.bin"; then
    echo "interop: PASS  our peer downloaded the file from an aria2c seed, byte for byte ($(grep '^complete' "$work/peer.out"))"
else
    echo "interop: FAIL  our peer did not download the file from aria2c (exit $code); its log and aria2c's:" >&2
    tail -n 20 "$work/peer.err" "$work/aria2c-seed.log" >&2
    status=1
fi
exit $status
