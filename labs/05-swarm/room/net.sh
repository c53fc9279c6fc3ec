# net.sh - the room's network, for room.sh (sourced; uses its prefix,
# namespaces and rates).
#
# One namespace is the switch: a bridge, br0, with one port per machine.
# Each machine is a namespace whose eth0 is a veth pair's end; the other end
# is its port on the switch, named after it (inst, s1 ... s6, rt, aria, lt,
# tr). Nothing is added to the machine's own network: no bridge, no route,
# no firewall rule.

ns() { echo "$prefix-$1"; }
in_ns() { local n; n=$(ns "$1"); shift; ip netns exec "$n" "$@"; }

new_namespace() {
    namespaces+=("$(ns "$1")")  # listed first: an interrupted run still removes it
    ip netns add "$(ns "$1")"
}

# add_host NAME IPV4 [IPV6]: a machine plugged into the switch.
add_host() {
    local name=$1 ip4=$2 ip6=${3:-}
    new_namespace "$name" || return 1
    ip -n "$(ns sw)" link add "$name" type veth peer name eth0 netns "$(ns "$name")" || return 1
    ip -n "$(ns sw)" link set "$name" master br0 up || return 1
    ip -n "$(ns "$name")" link set lo up
    ip -n "$(ns "$name")" addr add "$ip4/24" dev eth0 || return 1
    # nodad: the address is usable at once, not after duplicate address detection.
    [ -z "$ip6" ] || ip -n "$(ns "$name")" addr add "$ip6/64" dev eth0 nodad || return 1
    ip -n "$(ns "$name")" link set eth0 up
}

# The router's masquerade rule, with nft or iptables (whichever is installed),
# in the router's namespace only.
masquerade() {
    if command -v nft >/dev/null 2>&1; then
        in_ns rt nft add table ip nat &&
            in_ns rt nft 'add chain ip nat postrouting { type nat hook postrouting priority 100 ; }' &&
            in_ns rt nft add rule ip nat postrouting oifname eth0 masquerade
    elif command -v iptables >/dev/null 2>&1; then
        in_ns rt iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE
    else
        return 1
    fi
}

nat_ready=no
make_room() {
    local i
    new_namespace sw || return 1
    ip -n "$(ns sw)" link add br0 type bridge && ip -n "$(ns sw)" link set br0 up || return 1
    add_host inst 10.77.0.1 fd00:77::1 || return 1
    for i in $(seq 1 "$students"); do add_host "s$i" "10.77.0.1$i" "fd00:77::1$i" || return 1; done
    add_host aria 10.77.0.21 fd00:77::21 && add_host lt 10.77.0.22 fd00:77::22 &&
        add_host tr 10.77.0.23 fd00:77::23 || return 1
    # A home router: 10.77.0.20 in the room, 192.168.77.1 on its own network,
    # where one student's machine is 192.168.77.2.
    add_host rt 10.77.0.20 || return 1
    new_namespace nat || return 1
    ip -n "$(ns rt)" link add lan0 type veth peer name eth0 netns "$(ns nat)" || return 1
    ip -n "$(ns rt)" addr add 192.168.77.1/24 dev lan0 && ip -n "$(ns rt)" link set lan0 up || return 1
    ip -n "$(ns nat)" link set lo up
    ip -n "$(ns nat)" addr add 192.168.77.2/24 dev eth0 && ip -n "$(ns nat)" link set eth0 up &&
        ip -n "$(ns nat)" route add default via 192.168.77.1 || return 1
    in_ns rt sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward' || return 1
    if masquerade; then nat_ready=yes; fi
    return 0
}

# ---------------------------------------------------------------- tbf links
# tbf (token bucket filter) is the kernel's token bucket: a queue on an
# interface's way out that lets bytes leave at RATE, whole packets (headers
# included), with BURST bytes of tokens, and drops a packet that would wait
# longer than LATENCY.
tbf_burst=32kb
tbf_latency=50ms
limit_link() {  # NAMESPACE INTERFACE BYTES_PER_SECOND
    ip netns exec "$(ns "$1")" tc qdisc replace dev "$2" root tbf rate "$(($3 * 8))bit" \
        burst "$tbf_burst" latency "$tbf_latency"
}

# Upload: the machine's own interface. Download: its port on the switch,
# whose way out leads to the machine.
shape_links() {
    local i
    limit_link inst eth0 "$seed_rate" || return 1
    for i in $(seq 1 "$students"); do
        limit_link "s$i" eth0 "$up_rate" && limit_link sw "s$i" "$down_rate" || return 1
    done
}

# What the tbf queues did, from their counters: packets sent and dropped, and
# how often a packet had to wait for tokens.
report_tbf_queues() {
    local i up_sent=0 up_dropped=0 down_sent=0 down_dropped=0 line
    for i in $(seq 1 "$students"); do
        line=$(in_ns "s$i" tc -s qdisc show dev eth0 | sed -n 's/.*Sent \([0-9]*\) bytes \([0-9]*\) pkt (dropped \([0-9]*\).*/\2 \3/p')
        up_sent=$((up_sent + ${line% *})); up_dropped=$((up_dropped + ${line#* }))
        line=$(in_ns sw tc -s qdisc show dev "s$i" | sed -n 's/.*Sent \([0-9]*\) bytes \([0-9]*\) pkt (dropped \([0-9]*\).*/\2 \3/p')
        down_sent=$((down_sent + ${line% *})); down_dropped=$((down_dropped + ${line#* }))
    done
    say "tbf queues: students' uploads sent $up_sent packets, dropped $up_dropped; their downloads sent $down_sent, dropped $down_dropped"
}

# ---------------------------------------------------------------- numbers
rate_text() { awk -v r="$1" 'BEGIN { if (r >= 1048576) printf "%g MiB/s", r / 1048576; else printf "%g KiB/s", r / 1024 }'; }

# Lab 04's bound: D_p2p = max{F/us, F/dmin, N F/(us + sum ui)}, every peer alike.
d_p2p() {  # F US U D N
    awk -v f="$1" -v us="$2" -v u="$3" -v d="$4" -v n="$5" 'BEGIN {
        t = f / us; if (f / d > t) t = f / d; if (n * f / (us + n * u) > t) t = n * f / (us + n * u)
        printf "%.3f", t }'
}
