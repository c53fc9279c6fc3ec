#!/usr/bin/env bash
# make demo-multi: three clients, each keeping one connection open (tcp_client -i),
# take turns sending lines. First against tcp_server_threaded, which serves all
# three at once; then against the lecture's tcp_server, which serves one at a
# time, so the second and third clients wait until the first one leaves.
set -u
BIN=${1:-bin}
WAIT=${WAIT:-1}   # seconds to wait for a reply before saying "no reply yet"
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
start=$(date +%s.%N)
stamp() { printf '[%5.2fs]' "$(echo "$(date +%s.%N) - $start" | bc)"; }

# start_server NAME: starts it on a free port, sets $port and $server_pid.
start_server() {
    mkfifo "$work/$1.ready"
    "$BIN/$1" --port 0 >"$work/$1.ready" 2>"$work/$1.log" &
    server_pid=$!
    pids+=("$server_pid")
    local line
    exec {ready}<"$work/$1.ready"
    read -t 10 -r line <&"$ready" || { echo "demo-multi: $1 did not start" >&2; exit 1; }
    port=${line##* }
    echo "\$ $BIN/$1 --port 0 &"
    echo "$line"
}

# open_clients X Y...: one tcp_client -i each, with its input and output on
# pipes we hold. All clients start before we open any pipe, so that no client
# inherits another's pipe (which would keep that pipe open after we close it).
declare -A to from
open_clients() {
    local name in out
    for name in "$@"; do
        mkfifo "$work/$port-$name.in" "$work/$port-$name.out"
        "$BIN/tcp_client" -i localhost "$port" <"$work/$port-$name.in" >"$work/$port-$name.out" \
            2>"$work/$port-$name.err" &
    done
    for name in "$@"; do
        exec {in}>"$work/$port-$name.in"
        exec {out}<"$work/$port-$name.out"
        to[$name]=$in
        from[$name]=$out
        echo "$(stamp) client $name connects (tcp_client -i localhost $port)"
    done
}

# send X LINE: client X sends one line and waits up to $WAIT s for the answer.
send() {
    local reply
    echo "$2" >&"${to[$1]}"
    echo "$(stamp) $1 sends   '$2'"
    if read -t "$WAIT" -r reply <&"${from[$1]}"; then
        echo "$(stamp) $1 gets    '$reply'"
    else
        echo "$(stamp) $1 ...     no reply after ${WAIT}s: the server is busy with someone else"
        pending[$1]=$((${pending[$1]:-0} + 1))
    fi
}

# leave X: client X ends its input; tcp_client closes the connection.
declare -A pending
leave() {
    local fd=${to[$1]}
    exec {fd}>&-
    echo "$(stamp) $1 leaves"
}

# collect X: print the replies X was still waiting for.
collect() {
    local reply
    while [ "${pending[$1]:-0}" -gt 0 ]; do
        if read -t 10 -r reply <&"${from[$1]}"; then
            echo "$(stamp) $1 gets    '$reply'   (at last)"
        else
            echo "$(stamp) $1 still has no reply"
        fi
        pending[$1]=$((pending[$1] - 1))
    done
}

conversation() {
    open_clients A B C
    send A "hello from a"
    send B "hello from b"
    send C "hello from c"
    send A "a again"
    send B "b again"
    leave A
    collect B
    leave B
    collect C
    leave C
    local name fd
    for name in A B C; do
        fd=${from[$name]}
        exec {fd}<&-
    done
}

say "tcp_server_threaded: each connection has its own thread"
start_server tcp_server_threaded
conversation
echo "   (server log:)"
sed 's/^/   | /' "$work/tcp_server_threaded.log"
kill -INT "$server_pid"; wait "$server_pid"

say "tcp_server (the lecture's): one connection at a time"
start_server tcp_server
conversation
echo "   (server log:)"
sed 's/^/   | /' "$work/tcp_server.log"
kill -INT "$server_pid"; wait "$server_pid"
pids=()
cat <<'TXT'

The threaded server answered every line at once. The lecture's server
accept()s one connection and serves it until that client leaves; B and C had
connected (the operating system completed their handshakes and queued them,
see listen()), but nobody read their lines until A, then B, had gone.
TXT
