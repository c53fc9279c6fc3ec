#!/usr/bin/env bash
# two_hosts.sh - two hosts on one Linux machine, for part 7 of lab 00.
#
#   sudo labs/00-first-contact/two_hosts.sh up       make hosts A and B
#   sudo labs/00-first-contact/two_hosts.sh down     take them away again
#   labs/00-first-contact/two_hosts.sh status        show them
#
# Each host is a network namespace: a copy of the network stack with its own
# interfaces, addresses, ports and routing table, as a second computer would
# have. A veth pair is a virtual cable with one end in each: what one host
# sends into its end comes out at the other. Host A is 10.12.0.1 (and
# fd00:12::1), host B is 10.12.0.2 (and fd00:12::2). To run a program on a
# host, prefix it with `sudo ip netns exec lab-a` (or lab-b), e.g.
#
#   sudo ip netns exec lab-a bin/udp_server
#   sudo ip netns exec lab-b bin/udp_client 10.12.0.1 12000
#
# Linux only; needs root (network namespaces are the system's to give).
set -u

usage="usage: two_hosts.sh up|down|status"
hosts=(lab-a lab-b)

fail() {
    echo "two_hosts.sh: $*" >&2
    exit 1
}

exists() { ip netns list 2>/dev/null | grep -q "^$1\b"; }

need_root() {
    command -v ip >/dev/null 2>&1 || fail "the 'ip' command is missing (Debian/Ubuntu: sudo apt-get install iproute2)"
    [ "$(id -u)" = 0 ] || fail "run it as root: sudo $0 $1"
}

up() {
    need_root up
    if exists lab-a && exists lab-b; then
        echo "hosts A (lab-a, 10.12.0.1) and B (lab-b, 10.12.0.2) are already up"
        return
    fi
    down quiet
    # Two namespaces, and a cable between them.
    ip netns add lab-a && ip netns add lab-b || fail "could not make the namespaces (is this a container without the right?)"
    ip link add veth-a netns lab-a type veth peer name veth-b netns lab-b || fail "could not make the veth pair"
    for side in a b; do
        local n=1
        [ $side = b ] && n=2
        ip -n lab-$side link set lo up
        ip -n lab-$side addr add 10.12.0.$n/24 dev veth-$side
        ip -n lab-$side addr add fd00:12::$n/64 dev veth-$side nodad
        ip -n lab-$side link set veth-$side up
    done
    echo "host A: network namespace lab-a, interface veth-a, 10.12.0.1 and fd00:12::1"
    echo "host B: network namespace lab-b, interface veth-b, 10.12.0.2 and fd00:12::2"
    echo "run a program on a host with: sudo ip netns exec lab-a bin/udp_server"
    echo "                              sudo ip netns exec lab-b bin/udp_client 10.12.0.1 12000"
}

down() {
    [ "${1:-}" = quiet ] || need_root down
    local host
    for host in "${hosts[@]}"; do
        # Deleting a namespace deletes its end of the cable, and with it the other end.
        exists "$host" && { ip netns delete "$host" || fail "could not delete $host (is a program still running in it?)"; }
    done
    [ "${1:-}" = quiet ] || echo "hosts A and B are gone"
}

status() {
    local host
    for host in "${hosts[@]}"; do
        if exists "$host"; then
            echo "$host:"
            ip -n "$host" -brief address 2>/dev/null | sed 's/^/  /'
        else
            echo "$host: not there (sudo $0 up makes it)"
        fi
    done
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    -h | --help) echo "$usage"; sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' ;;
    "") echo "two_hosts.sh: say what to do" >&2; echo "$usage" >&2; exit 2 ;;
    *) echo "two_hosts.sh: unknown command '$1'" >&2; echo "$usage" >&2; exit 2 ;;
esac
