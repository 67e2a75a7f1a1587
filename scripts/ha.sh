#!/usr/bin/env bash
# A local highly available PostgreSQL for the CRM, run by pg_auto_failover on
# loopback ports: a monitor (6000), a primary (6001) and a synchronous
# secondary (6002). See docs/operations.md.
#
#   scripts/ha.sh up        create (or start again) the three, print the URL
#   scripts/ha.sh url       print the multi-host DATABASE_URL
#   scripts/ha.sh status    pg_autoctl show state
#   scripts/ha.sh stop      stop all three, keep their data
#   scripts/ha.sh down      stop all three and delete their data
#   scripts/ha.sh primary   print the node number (1 or 2) of the primary
#   scripts/ha.sh kill N    SIGKILL node N, its pg_autoctl and its postgres:
#                           the machine dying, not a clean stop
#   scripts/ha.sh start N   run node N again (after kill: it rejoins as a
#                           standby of whichever node was promoted)
#   scripts/ha.sh wait-primary N   wait until node N takes writes (primary,
#                                  or wait_primary while it has no standby)
#   scripts/ha.sh wait-secondary N wait until node N is a secondary and the
#                                  other a primary with it as sync standby
#
# pg_autoctl and PostgreSQL refuse to run as root, so both run as the
# postgres user; the packages are installed with apt-get when missing and
# this runs as root. Data and logs live under HA_DIR.
#
# HA_FAST=1, when the pair is created, shortens pg_auto_failover's
# timeouts so a failover takes about 20 s instead of 50 s; a node that
# stalls for 6 s is then failed over too (docs/operations.md).
set -euo pipefail

readonly HA_DIR=${HA_DIR:-/var/tmp/crm-ha}
readonly MONITOR_PORT=${HA_MONITOR_PORT:-6000}
readonly NODE_PORTS=("${HA_NODE1_PORT:-6001}" "${HA_NODE2_PORT:-6002}")
readonly ROLE=crm PASSWORD=crm DATABASE=crm
readonly PG_BIN=/usr/lib/postgresql/15/bin
# pg_autoctl keeps each node's configuration and state under these: all
# under HA_DIR, so that down leaves nothing behind.
readonly XDG=("XDG_CONFIG_HOME=$HA_DIR/config" "XDG_DATA_HOME=$HA_DIR/share" "XDG_RUNTIME_DIR=$HA_DIR/run")
readonly MONITOR_URL="postgres://autoctl_node@127.0.0.1:$MONITOR_PORT/pg_auto_failover?sslmode=disable"

say() { printf 'ha.sh: %s\n' "$*" >&2; }
die() {
	say "$*"
	exit 1
}

# as_pg runs a command as the postgres user, in a directory it may read.
as_pg() {
	if [[ "$(id -u)" = 0 ]]; then
		(cd / && runuser -u postgres -- env PATH="$PG_BIN:/usr/local/bin:/usr/bin:/bin" "${XDG[@]}" "$@")
	elif [[ "$(id -un)" = postgres ]]; then
		(cd / && env PATH="$PG_BIN:/usr/local/bin:/usr/bin:/bin" "${XDG[@]}" "$@")
	else
		die "run as root or as postgres: pg_autoctl runs as the postgres user"
	fi
}

# install_packages installs what this script and the failover test use
# when missing: pg_auto_failover, and pgrep (procps) and curl, which a
# minimal Debian lacks (without pgrep, down would not find the processes
# it must stop).
install_packages() {
	command -v pg_autoctl >/dev/null 2>&1 && [[ -d /usr/share/postgresql/15/extension ]] &&
		ls /usr/share/postgresql/15/extension/pgautofailover.control >/dev/null 2>&1 &&
		command -v pgrep >/dev/null 2>&1 && command -v curl >/dev/null 2>&1 && return 0
	[[ "$(id -u)" = 0 ]] && command -v apt-get >/dev/null 2>&1 ||
		die "pg_auto_failover is missing: install postgresql-15-auto-failover, pg-auto-failover-cli, procps and curl (Debian), or run this as root"
	say "installing postgresql-15-auto-failover, pg-auto-failover-cli, procps and curl"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-auto-failover pg-auto-failover-cli procps curl >/dev/null
}

# run_node starts pg_autoctl on the data directory named by $1 in the
# background, logging to $1.log; it keeps its postgres running.
run_node() {
	local name=$1
	if pgrep -u postgres -f "pg_autoctl run --pgdata $HA_DIR/$name\$" >/dev/null; then
		return 0
	fi
	as_pg bash -c "nohup pg_autoctl run --pgdata $HA_DIR/$name >>$HA_DIR/$name.log 2>&1 &"
}

url() {
	local hosts
	hosts=$(printf '127.0.0.1:%s,' "${NODE_PORTS[@]}")
	printf 'postgres://%s:%s@%s/%s?sslmode=disable&target_session_attrs=read-write\n' "$ROLE" "$PASSWORD" "${hosts%,}" "$DATABASE"
}

# state N prints the state the monitor last heard node N report.
state() {
	as_pg psql -qAt -d "$MONITOR_URL" -c \
		"SELECT reportedstate FROM pgautofailover.node WHERE nodeport = ${NODE_PORTS[$1 - 1]}" 2>/dev/null || true
}

# wait_for N STATE... waits up to HA_WAIT seconds until node N reports
# one of the states.
wait_for() {
	local n=$1
	shift
	local deadline=$((SECONDS + ${HA_WAIT:-180})) s
	while ((SECONDS < deadline)); do
		s=$(state "$n")
		for want in "$@"; do
			[[ "$s" = "$want" ]] && return 0
		done
		sleep 0.5
	done
	die "node $n is still '$s' after ${HA_WAIT:-180}s, not $*; see $HA_DIR/node$n.log"
}

up() {
	install_packages
	mkdir -p "$HA_DIR"
	chown postgres: "$HA_DIR"
	# Owned by postgres, which pg_autoctl run appends to.
	as_pg touch "$HA_DIR"/{monitor,node1,node2}.log
	if [[ ! -d "$HA_DIR/monitor" ]]; then
		say "creating the monitor on port $MONITOR_PORT"
		as_pg pg_autoctl create monitor --pgdata "$HA_DIR/monitor" --pgport "$MONITOR_PORT" \
			--hostname 127.0.0.1 --auth trust --no-ssl >>"$HA_DIR/monitor.log" 2>&1
	fi
	run_node monitor
	local deadline=$((SECONDS + 60))
	until as_pg psql -qAt -d "$MONITOR_URL" -c 'SELECT 1' >/dev/null 2>&1; do
		((SECONDS < deadline)) || die "the monitor does not answer on port $MONITOR_PORT; see $HA_DIR/monitor.log"
		sleep 0.3
	done
	if [[ -n "${HA_FAST:-}" ]]; then
		# Unhealthy after 6 s without its keeper's report and a failed
		# health check; promoted 12 s later, once the old primary, cut off
		# for network_partition_timeout (8 s, set on each node), has surely
		# demoted itself: still never two primaries.
		say "HA_FAST: failing over after about 20 s"
		as_pg psql -q -h 127.0.0.1 -p "$MONITOR_PORT" -d pg_auto_failover -v ON_ERROR_STOP=1 >/dev/null <<-SQL
			ALTER SYSTEM SET pgautofailover.health_check_period = 2000;
			ALTER SYSTEM SET pgautofailover.health_check_timeout = 2000;
			ALTER SYSTEM SET pgautofailover.health_check_max_retries = 1;
			ALTER SYSTEM SET pgautofailover.health_check_retry_delay = 1000;
			ALTER SYSTEM SET pgautofailover.node_considered_unhealthy_timeout = 6000;
			ALTER SYSTEM SET pgautofailover.primary_demote_timeout = 12000;
			SELECT pg_reload_conf();
		SQL
	fi
	if [[ -d "$HA_DIR/node1" && -d "$HA_DIR/node2" ]]; then
		# Started again (after a reboot, say): since a failover either node
		# may be the primary, and only it can take the app's role.
		say "starting the existing nodes"
		run_node node1
		run_node node2
		local deadline=$((SECONDS + 180)) p=""
		until p=$(primary 2>/dev/null); do
			((SECONDS < deadline)) || die "no node became primary; see $HA_DIR/node*.log"
			sleep 1
		done
		provision "${NODE_PORTS[$p - 1]}"
	fi
	for n in 1 2; do
		if [[ -d "$HA_DIR/node1" && -d "$HA_DIR/node2" ]]; then
			break
		elif [[ ! -d "$HA_DIR/node$n" ]]; then
			say "creating node $n on port ${NODE_PORTS[$n - 1]}"
			# The data directory is initialized by pg_autoctl: node 1 as the
			# primary, node 2 as a copy of it by pg_basebackup.
			as_pg pg_autoctl create postgres --pgdata "$HA_DIR/node$n" --pgport "${NODE_PORTS[$n - 1]}" \
				--hostname 127.0.0.1 --listen 127.0.0.1 --name "node$n" --monitor "$MONITOR_URL" --auth trust --no-ssl \
				--dbname "$DATABASE" >>"$HA_DIR/node$n.log" 2>&1
			if [[ -n "${HA_FAST:-}" ]]; then
				as_pg pg_autoctl config set --pgdata "$HA_DIR/node$n" timeout.network_partition_timeout 8 >>"$HA_DIR/node$n.log" 2>&1
			fi
		fi
		run_node "node$n"
		if [[ $n = 1 ]]; then
			wait_for 1 single primary wait_primary
			provision "${NODE_PORTS[0]}"
		fi
	done
	local primary_is deadline=$((SECONDS + 180))
	until primary_is=$(primary 2>/dev/null); do
		((SECONDS < deadline)) || die "no node became primary; see $HA_DIR/node*.log"
		sleep 1
	done
	wait_for "$((3 - primary_is))" secondary
	wait_for "$primary_is" primary
	say "monitor :$MONITOR_PORT, primary node $primary_is, secondary node $((3 - primary_is)); logs in $HA_DIR/*.log"
	url
}

# provision creates the app's role and database on the primary at port $1;
# the standby gets them by replication.
provision() {
	local deadline=$((SECONDS + 60))
	until as_pg pg_isready -q -h 127.0.0.1 -p "$1"; do
		((SECONDS < deadline)) || die "postgres on port $1 does not answer"
		sleep 0.3
	done
	as_pg psql -q -p "$1" -h 127.0.0.1 -d postgres -v ON_ERROR_STOP=1 >/dev/null <<-SQL
		SELECT 'CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD ''$PASSWORD'''
		WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') \gexec
		ALTER DATABASE $DATABASE OWNER TO $ROLE;
		-- A save is acknowledged once the synchronous standby has it
		-- (pg_auto_failover names it in synchronous_standby_names).
		ALTER SYSTEM SET synchronous_commit = on;
		-- When pg_rewind fails (pg_autoctl sometimes runs it while its own
		-- crash-recovery postmaster still holds the data directory), the
		-- rejoining node falls back to pg_basebackup, which waits for a
		-- spread checkpoint on the primary: up to 0.9 x checkpoint_timeout,
		-- 4.5 min by default. One minute bounds that wait at 54 s.
		ALTER SYSTEM SET checkpoint_timeout = '1min';
		SELECT pg_reload_conf();
	SQL
	as_pg psql -q -p "$1" -h 127.0.0.1 -d "$DATABASE" -c "ALTER SCHEMA public OWNER TO $ROLE" >/dev/null
}

primary() {
	local n
	for n in 1 2; do
		[[ "$(state "$n")" =~ ^(primary|wait_primary|single)$ ]] && {
			echo "$n"
			return 0
		}
	done
	die "no node is primary now"
}

# descendants prints the pids of every process under pid $1.
descendants() {
	local child
	for child in $(pgrep -P "$1" || true); do
		echo "$child"
		descendants "$child"
	done
}

# kill_node kills node N as if its machine died: every process at once.
# Signalled one by one, the postmaster first, its backends ran on for
# milliseconds on a busy machine (clients were told "terminating connection
# due to unexpected postmaster exit", which only a living backend sends),
# and a list taken first misses a backend forked meanwhile. So the node is
# frozen (SIGSTOP; a stopped process neither runs nor forks), listed again
# until no new process appears, and only then killed.
kill_node() {
	local n=$1 roots pids="" listed=-1 p
	roots=$(pgrep -u postgres -f "pg_autoctl run --pgdata $HA_DIR/node$n\$" || true)
	if [[ -f "$HA_DIR/node$n/postmaster.pid" ]]; then
		roots="$roots $(head -1 "$HA_DIR/node$n/postmaster.pid")"
	fi
	[[ -n "${roots// /}" ]] || die "node $n is not running"
	while :; do
		pids=""
		for p in $roots; do
			pids="$pids $p $(descendants "$p")"
		done
		pids=$(tr ' ' '\n' <<<"$pids" | sort -un | xargs)
		# shellcheck disable=SC2086 # a list of pids
		kill -STOP $pids 2>/dev/null || true
		(($(wc -w <<<"$pids") == listed)) && break
		listed=$(wc -w <<<"$pids")
	done
	# shellcheck disable=SC2086 # a list of pids
	kill -KILL $pids 2>/dev/null || true
	say "node $n killed with SIGKILL: pg_autoctl and postgres (pids $pids)"
}

# stop stops all three (immediately, as a crash would) and keeps their data
# and logs, for a failure to be examined (pg_waldump, txid_status).
stop() {
	local name pid
	for name in node1 node2 monitor; do
		pid=$(pgrep -u postgres -f "pg_autoctl run --pgdata $HA_DIR/$name\$" || true)
		if [[ -n "$pid" ]]; then
			as_pg pg_autoctl stop --pgdata "$HA_DIR/$name" --immediate >/dev/null 2>&1 || kill -KILL $pid
		fi
	done
	for name in node1 node2 monitor; do
		for _ in $(seq 50); do
			pgrep -u postgres -f "pg_autoctl.*--pgdata $HA_DIR/$name\$" >/dev/null || break
			sleep 0.2
		done
		if [[ -f "$HA_DIR/$name/postmaster.pid" ]]; then
			as_pg "$PG_BIN/pg_ctl" -D "$HA_DIR/$name" stop -m immediate >/dev/null 2>&1 || true
		fi
	done
}

down() {
	stop
	rm -rf "$HA_DIR"
	say "stopped; $HA_DIR deleted"
}

case "${1:-}" in
up) up ;;
url) url ;;
status) as_pg pg_autoctl show state --pgdata "$HA_DIR/monitor" ;;
stop) stop && say "stopped; data kept in $HA_DIR" ;;
down) down ;;
primary) primary ;;
kill) kill_node "${2:?node number}" ;;
start) run_node "node${2:?node number}" ;;
wait-primary) wait_for "${2:?node number}" primary wait_primary ;;
wait-secondary)
	wait_for "${2:?node number}" secondary
	wait_for "$((3 - $2))" primary
	;;
*) die "usage: scripts/ha.sh up|url|status|stop|down|primary|kill N|start N|wait-primary N|wait-secondary N" ;;
esac
