#!/bin/sh
# check_make_torrent.sh - make_torrent's command line: output, messages, exit codes.
#
#   sh labs/05-swarm/tools/check_make_torrent.sh [path/to/make_torrent]
#
# The project's rules: --help exits 0; a wrong argument prints one line on
# stderr and exits 2; a file that cannot be read or written, one line, exit 1.
make_torrent=${1:-bin/make_torrent}
case $make_torrent in /*) ;; *) make_torrent=$(pwd)/$make_torrent ;; esac  # the checks run in another folder
if [ ! -x "$make_torrent" ]; then
    echo "check_make_torrent: $make_torrent is not there: build it first (make lab05-lib)" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
printf 'hello, swarm\n' >"$work/file.txt"
: >"$work/empty.txt"
url=http://127.0.0.1:6969/announce

# expect WHAT STATUS STDERR_LINES ARGS...: run make_torrent in $work and check.
expect() {
    what=$1 status=$2 lines=$3
    shift 3
    (cd "$work" && "$make_torrent" "$@" >out.txt 2>err.txt)
    got=$?
    got_lines=$(wc -l <"$work/err.txt" | tr -d ' ')
    if [ "$got" -eq "$status" ] && [ "$got_lines" -eq "$lines" ]; then
        echo "PASS  $what"
        passed=$((passed + 1))
    else
        echo "FAIL  $what: exit $got (expected $status), $got_lines lines on stderr (expected $lines)"
        sed 's/^/      /' "$work/err.txt"
        failed=$((failed + 1))
    fi
}

expect "--help prints the usage and exits 0" 0 0 --help
expect "no arguments: exit 2" 2 1
expect "one argument: exit 2" 2 1 file.txt
expect "three arguments: exit 2" 2 1 file.txt "$url" extra
expect "an unknown option: exit 2" 2 1 file.txt "$url" --verbose
expect "-o without a value: exit 2" 2 1 file.txt "$url" -o
expect "--piece-length that is not a number: exit 2" 2 1 file.txt "$url" --piece-length 16k
expect "--piece-length 0: exit 2" 2 1 file.txt "$url" --piece-length 0
expect "a URL that is not http://, https:// or udp://: exit 2" 2 1 file.txt tracker:6969
expect "-o naming FILE itself: exit 2" 2 1 file.txt "$url" -o file.txt
expect "a folder instead of a file: exit 2" 2 1 . "$url"
expect "a file that is not there: exit 1" 1 1 missing.txt "$url"
expect "an empty file: exit 1" 1 1 empty.txt "$url"
expect "-o into a folder that is not there: exit 1" 1 1 file.txt "$url" -o no/such/folder/x.torrent

expect "a good run exits 0" 0 1 file.txt "$url"
if grep -qx '[0-9a-f]\{40\}' "$work/out.txt" && [ -s "$work/file.txt.torrent" ]; then
    echo "PASS  it prints the info hash and writes file.txt.torrent"
    passed=$((passed + 1))
else
    echo "FAIL  expected 40 hex digits on stdout and file.txt.torrent, got: $(cat "$work/out.txt")"
    failed=$((failed + 1))
fi

echo "check_make_torrent: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
