# The ocserv 1.1.6 configuration both bench scripts run (sourced, not run): plain password auth from an ocpasswd
# file, TLS 1.3 enabled, no limits that would throttle a benchmark (clients, same-user clients, login rate, ban
# score), no MTU discovery. Each script appends what is its own (DTLS port, routes, timeouts).

# ocserv_base_conf DIR LISTEN_IP CERT KEY DEVICE IPV4_NETWORK IPV4_NETMASK MAX_CLIENTS: prints the common lines;
# the password file, sockets and pid file live in DIR.
ocserv_base_conf() {
  local dir=$1 listen=$2 cert=$3 key=$4 device=$5 network=$6 netmask=$7 max_clients=$8
  cat <<CONF
auth = "plain[passwd=$dir/passwd]"
listen-host = $listen
tcp-port = 443
run-as-user = nobody
run-as-group = nogroup
socket-file = $dir/ocserv-socket
occtl-socket-file = $dir/occtl.socket
use-occtl = true
pid-file = $dir/ocserv.pid
server-cert = $cert
server-key = $key
tls-priorities = "NORMAL:%SERVER_PRECEDENCE:%COMPAT:-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1:+VERS-TLS1.3"
isolate-workers = true
max-clients = $max_clients
max-same-clients = 0
rate-limit-ms = 0
max-ban-score = 0
try-mtu-discovery = false
min-reauth-time = 0
cookie-timeout = 300
deny-roaming = false
device = $device
predictable-ips = true
ipv4-network = $network
ipv4-netmask = $netmask
CONF
}
