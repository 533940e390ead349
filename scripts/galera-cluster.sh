#!/usr/bin/env bash
# A three-node MariaDB Galera cluster on loopback ports, from Debian's mariadb-server and galera-4,
# each node its own datadir, socket and ports under DIR. The system MariaDB (3306) is not touched.
#
#   scripts/galera-cluster.sh install           apt-get install galera-4 mariadb-server rsync (no service start)
#   scripts/galera-cluster.sh start DIR [BASE]  init + bootstrap node 1, join 2 and 3, wait until Synced
#   scripts/galera-cluster.sh config DIR [BASE] only write DIR/node{1,2,3}/my.cnf (and datadirs)
#   scripts/galera-cluster.sh kill-node DIR N  SIGKILL node N;  start-node DIR N [BASE]: restart it (IST)
#   scripts/galera-cluster.sh stop DIR          stop every node (SIGTERM, then wait)
#   scripts/galera-cluster.sh status DIR        wsrep_cluster_size and state per node
#
# Node N (1..3) listens for SQL on BASE+N, Galera replication (gmcast) on BASE+10+N, IST on BASE+20+N
# and rsync SST on BASE+30+N. BASE defaults to 19560 (SQL ports 19561-19563).
set -euo pipefail

cmd=${1:-}
dir=${2:-}
base=${3:-${HW_GALERA_BASE_PORT:-19560}}
provider=${HW_GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}

die() { echo "galera-cluster: $*" >&2; exit 1; }

node_conf() {
  local n=$1 node="$dir/node$n"
  local cluster="gcomm://127.0.0.1:$((base + 11)),127.0.0.1:$((base + 12)),127.0.0.1:$((base + 13))"
  mkdir -p "$node/data" "$node/tmp"
  # mariadbd runs as mysql (the rsync SST daemon it starts must own the datadir it writes into).
  chmod 755 "$dir" "$node"
  chown -R mysql:mysql "$node/data" "$node/tmp"
  touch "$node/error.log" && chown mysql:mysql "$node/error.log" "$node"
  runuser -u mysql -- test -w "$node/data" || die "$node/data is not reachable by the mysql user: use a DIR every parent of which others may enter (e.g. under /var/tmp)"
  cat >"$node/my.cnf" <<EOF
[mariadbd]
user=mysql
datadir=$node/data
tmpdir=$node/tmp
socket=$node/mariadbd.sock
pid-file=$node/mariadbd.pid
log-error=$node/error.log
bind-address=127.0.0.1
port=$((base + n))
skip-name-resolve
innodb_buffer_pool_size=64M
innodb_log_file_size=16M
innodb_flush_log_at_trx_commit=2
max_connections=300
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
# Causal reads: a SELECT on this node waits until it has applied what the cluster committed before,
# so a panel behind a load balancer reads what another panel just wrote.
wsrep_sync_wait=1
wsrep_on=ON
wsrep_provider=$provider
wsrep_cluster_name=hostwright
wsrep_cluster_address=$cluster
wsrep_node_name=node$n
wsrep_node_address=127.0.0.1:$((base + 10 + n))
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$((base + 10 + n));ist.recv_addr=127.0.0.1:$((base + 20 + n));gcache.size=64M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;evs.install_timeout=PT6S"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$((base + 30 + n))
EOF
}

sql() { mariadb --socket="$dir/node$1/mariadbd.sock" --user=root -N -B -e "$2" 2>/dev/null; }

wait_synced() {
  local n=$1 want=$2
  for _ in $(seq 1 300); do
    local size state
    size=$(sql "$n" "SHOW STATUS LIKE 'wsrep_cluster_size'" | awk '{print $2}') || true
    state=$(sql "$n" "SHOW STATUS LIKE 'wsrep_local_state_comment'" | awk '{print $2}') || true
    if [ "${size:-0}" -ge "$want" ] && [ "$state" = Synced ]; then return 0; fi
    sleep 0.2
  done
  tail -n 40 "$dir/node$n/error.log" >&2 || true
  die "node $n did not reach Synced with cluster size $want"
}

start_node() {
  local n=$1; shift
  # stdin from /dev/null, output to the error log: the script returns while the node runs.
  setsid /usr/sbin/mariadbd --defaults-file="$dir/node$n/my.cnf" "$@" </dev/null >>"$dir/node$n/error.log" 2>&1 &
}

case "$cmd" in
  install)
    command -v mariadbd >/dev/null 2>&1 && [ -e "$provider" ] && command -v rsync >/dev/null 2>&1 && exit 0
    policy=/usr/sbin/policy-rc.d
    made_policy=0
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1; fi
    trap '[ $made_policy = 1 ] && rm -f "$policy"' EXIT
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends galera-4 mariadb-server rsync >/dev/null
    ;;
  config)
    [ -n "$dir" ] || die "usage: $0 config DIR [BASE]"
    for n in 1 2 3; do node_conf "$n"; done
    ;;
  start)
    [ -n "$dir" ] || die "usage: $0 start DIR [BASE]"
    mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
    for n in 1 2 3; do node_conf "$n"; done
    if [ ! -d "$dir/node1/data/mysql" ]; then
      mariadb-install-db --defaults-file="$dir/node1/my.cnf" --auth-root-authentication-method=normal \
        --skip-test-db --wsrep-on=OFF >"$dir/node1/install.log" 2>&1 || { cat "$dir/node1/install.log" >&2; die "mariadb-install-db failed"; }
    fi
    start_node 1 --wsrep-new-cluster
    wait_synced 1 1
    # TCP root with an empty password, as the system MariaDB the tests use (loopback only).
    sql 1 "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;" || true
    start_node 2
    wait_synced 2 2
    start_node 3
    wait_synced 3 3
    echo "galera cluster up: mariadb://root@127.0.0.1:$((base + 1)),$((base + 2)),$((base + 3))"
    ;;
  start-node)
    # start-node DIR N [BASE]: restart one node (after kill-node) so it rejoins by IST.
    n=${3:?node number}; base=${4:-${HW_GALERA_BASE_PORT:-19560}}
    dir=$(cd "$dir" && pwd)
    start_node "$n"
    wait_synced "$n" 2
    ;;
  kill-node)
    # kill-node DIR N: SIGKILL one node, as a crash would.
    n=${3:?node number}
    kill -KILL "$(cat "$dir/node$n/mariadbd.pid")"
    ;;
  stop)
    [ -n "$dir" ] || die "usage: $0 stop DIR"
    for n in 3 2 1; do
      pid_file="$dir/node$n/mariadbd.pid"
      [ -s "$pid_file" ] || continue
      pid=$(cat "$pid_file")
      kill "$pid" 2>/dev/null || continue
      for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
    ;;
  status)
    [ -n "$dir" ] || die "usage: $0 status DIR"
    for n in 1 2 3; do
      echo "node$n: $(sql "$n" "SHOW STATUS WHERE Variable_name IN ('wsrep_cluster_size','wsrep_local_state_comment')" | tr '\n\t' '  ' || echo down)"
    done
    ;;
  *)
    sed -n '2,13p' "$0"
    exit 2
    ;;
esac
