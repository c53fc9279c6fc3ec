#!/usr/bin/env bash
# measure.sh - lab 03, part 3: the same loads on three server designs.
#
#   make lab03-measure            (builds what it needs, then runs this)
#   bash labs/03-many-clients/measure.sh BIN_DIR LAB_BIN [CONNECTIONS]
#
# The designs: the lecture's iterative server (BIN_DIR/tcp_server), your
# thread-per-connection server (LAB_BIN/server) and, if you wrote it, your
# poll() server (LAB_BIN/poll_server). Each one is started on a free port,
# given the loads of bench_loadgen (the project's load generator, which
# checks every reply byte for byte), then stopped with Ctrl-C (SIGINT).
# Linux only: the memory figures come from /proc.
set -u

bin_dir=${1:?usage: measure.sh BIN_DIR LAB_BIN [CONNECTIONS]}
lab_bin=${2:?usage: measure.sh BIN_DIR LAB_BIN [CONNECTIONS]}
held=${3:-1000}
loadgen=$bin_dir/bench_loadgen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The figures of one bench_loadgen line: "rps p50 p99", or why there are none.
figures() {
    local line
    line=$(grep -E '^(tcp-|TIMEOUT)' "$1" | tail -1)
    case "$line" in
        *errors=0*rps=*) echo "$line" | sed -E 's/.* rps=([0-9.]+) p50_us=([0-9.]+) p99_us=([0-9.]+).*/\1 \2 \3/' ;;
        TIMEOUT*) echo "timed-out" ;;
        *) echo "errors" ;;
    esac
}

# One /proc/PID/status field, in KiB (or a count for Threads).
status_field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

row() { printf '%-22s %-12s %10s %10s %10s\n' "$@"; }

# Memory: $held clients connected at once and answered, then held open
# (--pause) while we read the server's memory from /proc.
memory() {
    local pid=$1 port=$2 rss0 rss1 vm1 threads
    rss0=$(status_field "$pid" VmRSS)
    rm -f "$work/fifo" && mkfifo "$work/fifo"
    "$loadgen" tcp-hold --port "$port" --connections "$held" --rounds 1 --pause --timeout-ms 1000 \
        --deadline-s 10 <"$work/fifo" >"$work/out" 2>&1 &
    local lg=$!
    exec 7>"$work/fifo"  # bench_loadgen holds the connections until a line comes here
    for _ in $(seq 100); do
        grep -q '^HELD' "$work/out" && break
        kill -0 "$lg" 2>/dev/null || break
        sleep 0.1
    done
    if grep -q '^HELD' "$work/out"; then
        rss1=$(status_field "$pid" VmRSS)
        vm1=$(status_field "$pid" VmSize)
        threads=$(status_field "$pid" Threads)
        echo "with $held clients connected at once: $threads threads; memory in use (VmRSS) $rss0 -> $rss1 KiB," \
             "about $(( (rss1 - rss0) * 1024 / held )) bytes per connection; address space reserved (VmSize) $vm1 KiB"
    else
        echo "with $held clients connected at once: they were not all answered"
    fi
    echo >&7
    exec 7>&-
    wait "$lg" 2>/dev/null
}

measure() {
    local name=$1 program=$2
    if [ ! -x "$program" ]; then
        echo "($name: $program is not there, skipped)"
        return
    fi
    "$program" --port 0 -q >"$work/ready" 2>"$work/log" &
    local pid=$! port=""
    for _ in $(seq 50); do
        port=$(sed -n 's/^The server is ready to receive on port \([0-9]*\)$/\1/p' "$work/ready")
        [ -n "$port" ] && break
        sleep 0.1
    done
    if [ -z "$port" ]; then
        echo "($name: no ready line, skipped)"
        kill -9 "$pid" 2>/dev/null
        return
    fi

    echo "== $name ($program, port $port)"
    row "load" "" "requests/s" "p50 (us)" "p99 (us)"
    local load together=yes
    for load in "tcp-conn --requests 2000" "tcp-session --requests 20000" \
                "tcp-hold --connections 100 --rounds 20"; do
        # shellcheck disable=SC2086
        "$loadgen" $load --port "$port" --timeout-ms 1000 --deadline-s 5 >"$work/out" 2>&1
        local f
        f=$(figures "$work/out")
        case "$f" in
            timed-out) printf '%-22s no answer within 5 s: the clients waited in the listen queue\n' "${load%% *}"
                       together=no ;;
            errors) printf '%-22s wrong or missing replies: %s\n' "${load%% *}" "$(grep -m1 error "$work/out")"
                    together=no ;;
            *) read -r rps p50 p99 <<<"$f"; row "${load%% *}" "" "${rps%.*}" "$p50" "$p99" ;;
        esac
    done

    if [ "$together" = yes ]; then
        memory "$pid" "$port"
    else
        echo "with $held clients connected at once: not measured (it does not serve clients at the same time)"
    fi

    kill -INT "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null && [ $waited -lt 30 ]; do sleep 0.1; waited=$((waited + 1)); done
    if kill -0 "$pid" 2>/dev/null; then
        echo "Ctrl-C: still running after 3 s (killed)"
        kill -9 "$pid"
    fi
    wait "$pid" 2>/dev/null
    echo "Ctrl-C: exit status $?"
    echo
}

echo "bench_loadgen loads: tcp-conn = one connection per request (the lecture's client);"
echo "tcp-session = many requests on one connection; tcp-hold = 100 clients connected at once,"
echo "20 requests each. Every request is 64 bytes; every reply is checked."
echo
measure "iterative (lecture)" "$bin_dir/tcp_server"
measure "thread per connection" "$lab_bin/server"
measure "poll(), one thread" "$lab_bin/poll_server"
