#!/usr/bin/env bash
# make demo: start both servers on free ports, run each client against them,
# and print what happens as a transcript, then stop the servers.
set -u
BIN=${1:-bin}
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
say() { printf '\n%s# %s%s\n' "$bold" "$*" "$plain"; }
# Echo a command as one would type it (quoted where needed), then run it.
quote() {
    case $1 in
        *[!A-Za-z0-9_./:=-]*) printf "'%s'" "$1" ;;
        *) printf '%s' "$1" ;;
    esac
}
show() {
    printf '$'
    for arg in "$@"; do printf ' '; quote "$arg"; done
    printf '\n'
    "$@"
}

# start_server NAME ARGS...: prints the ready line, sets $port.
start_server() {
    local name=$1
    shift
    mkfifo "$work/$name.out"
    printf '$ %s --port 0%s &\n' "$BIN/$name" "${*:+ $*}"
    "$BIN/$name" --port 0 "$@" >"$work/$name.out" 2>"$work/$name.log" &
    pids+=($!)
    exec {fd}<"$work/$name.out"
    local line
    if ! read -t 10 -r line <&"$fd"; then
        echo "demo: $name did not start:" >&2
        cat "$work/$name.log" >&2
        exit 1
    fi
    echo "$line"
    port=${line##* }
}

server_log() {
    printf '   (%s log on stderr:)\n' "$1"
    sed 's/^/   | /' "$work/$1.log"
}

say "UDP: the lecture's UDPServer and UDPClient"
start_server udp_server
show "$BIN/udp_client" -m "hello over udp" localhost "$port"
show "$BIN/udp_client" -m "straße, grüße, ﬁne" -m "second datagram" localhost "$port"
printf '$ printf "one\\ntwo\\nthree\\n" | %s localhost %s\n' "$BIN/udp_client" "$port"
printf 'one\ntwo\nthree\n' | "$BIN/udp_client" localhost "$port"
server_log udp_server

say "TCP: the lecture's TCPServer and TCPClient"
start_server tcp_server
show "$BIN/tcp_client" -m "hello over tcp" localhost "$port"
printf '$ printf "first line\\nsecond line\\n" | %s -i localhost %s\n' "$BIN/tcp_client" "$port"
printf 'first line\nsecond line\n' | "$BIN/tcp_client" -i localhost "$port"
printf '$ printf "a whole stream, no newline at the end" | %s localhost %s\n' "$BIN/tcp_client" "$port"
printf 'a whole stream, no newline at the end' | "$BIN/tcp_client" localhost "$port"
echo
server_log tcp_server

say "Every socket call, with --trace"
show "$BIN/tcp_client" --trace -m "traced" localhost "$port"

say "Stopping the servers with Ctrl-C (SIGINT)"
status=0
for pid in "${pids[@]}"; do
    kill -INT "$pid"
    wait "$pid"
    rc=$?
    echo "server $pid exited with status $rc"
    [ "$rc" = 0 ] || status=1
done
pids=()
exit $status
