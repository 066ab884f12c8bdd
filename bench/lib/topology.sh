# The three-namespace bench topology (sourced after common.sh):
#   client $CLIENT_IP --veth-- $GW_OUTER_IP gateway $GW_INNER_IP --veth ($GW_INNER_IF)-- $INT_IP internal
# topo_create PREFIX NET16 (e.g. topo_create tgwc 10.78) picks a fresh run id, so namespace, veth and nft names
# never collide with another run; it sets RUN_ID C G I CLIENT_IP CLIENT_NET GW_OUTER_IP GW_INNER_IP GW_INNER_IF
# INT_IP INT_NET POOL_NET (the VPN client range, a /22) and POOL_GW (its first address).
topo_create() {
  local prefix=$1 net=$2 n
  RUN_ID=$(printf '%06x' $(( (RANDOM << 12 ^ RANDOM ^ $$ << 4) & 0xffffff )))
  C="$prefix-c-$RUN_ID"; G="$prefix-g-$RUN_ID"; I="$prefix-i-$RUN_ID"
  CLIENT_IP=$net.1.2; CLIENT_NET=$net.1.0/24; GW_OUTER_IP=$net.1.1
  GW_INNER_IP=$net.2.1; INT_IP=$net.2.2; INT_NET=$net.2.0/24; POOL_NET=$net.100.0/22; POOL_GW=$net.100.1
  GW_INNER_IF="${prefix}${RUN_ID}d"
  for n in "$C" "$G" "$I"; do BENCH_NETNS+=("$n"); ip netns add "$n"; ip -n "$n" link set lo up; done
  ip link add "${prefix}${RUN_ID}a" netns "$C" type veth peer name "${prefix}${RUN_ID}b" netns "$G"
  ip link add "$GW_INNER_IF" netns "$G" type veth peer name "${prefix}${RUN_ID}e" netns "$I"
  ip -n "$C" addr add "$CLIENT_IP/24" dev "${prefix}${RUN_ID}a"; ip -n "$C" link set "${prefix}${RUN_ID}a" up
  ip -n "$G" addr add "$GW_OUTER_IP/24" dev "${prefix}${RUN_ID}b"; ip -n "$G" link set "${prefix}${RUN_ID}b" up
  ip -n "$G" addr add "$GW_INNER_IP/24" dev "$GW_INNER_IF"; ip -n "$G" link set "$GW_INNER_IF" up
  ip -n "$I" addr add "$INT_IP/24" dev "${prefix}${RUN_ID}e"; ip -n "$I" link set "${prefix}${RUN_ID}e" up
  ip netns exec "$G" sysctl -qw net.ipv4.ip_forward=1
}

# topo_masquerade TABLE CIDR...: an nft table in the gateway namespace that PATs the sources onto the internal
# network, the way the gateway's own table does for its pool (used for ocserv's pool and the routed baseline).
topo_masquerade() {
  local table=$1; shift
  local set; set=$(IFS=,; echo "$*")
  BENCH_NFT+=("$G:$table")
  ip netns exec "$G" nft -f - <<NFT
table ip $table {
  chain post {
    type nat hook postrouting priority 100; policy accept;
    oifname "$GW_INNER_IF" ip saddr { $set } masquerade
  }
}
NFT
}
topo_unmasquerade() { ip netns exec "$G" nft delete table ip "$1"; }
