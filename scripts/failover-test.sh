#!/usr/bin/env bash
# make failover-test: a fresh pg_auto_failover pair (scripts/ha.sh), two
# `crm serve` on it, and functional.TestFailover driving the soak's
# checker through both while the primary is killed and rejoined, twice.
# Exits non-zero if an acknowledged write is lost. Leaves nothing running;
# on a failure it keeps the pair's data in $LOGS/ha-data, and with
# FAILOVER_TRACE=1 the nodes log every statement with its transaction id.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly PORTS=(${FAILOVER_PORTS:-8181 8182})
readonly LOGS=${FAILOVER_LOGS:-/var/tmp/crm-failover}
GO=${GO:-go}
pids=()
# A pair of its own, beside any `make ha-up` one (whose data and ports it
# must not take): scripts/ha.sh reads these, here and in the test.
export HA_DIR=${FAILOVER_HA_DIR:-/var/tmp/crm-failover-ha}
export HA_MONITOR_PORT=${FAILOVER_MONITOR_PORT:-6010}
export HA_NODE1_PORT=${FAILOVER_NODE1_PORT:-6011}
export HA_NODE2_PORT=${FAILOVER_NODE2_PORT:-6012}

cleanup() {
	local status=$?
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	# The nodes' logs outlive the pair, for a failure to be read.
	mkdir -p "$LOGS"
	cp "$HA_DIR"/*.log "$LOGS"/ 2>/dev/null || true
	if ((status != 0)); then
		# The pair's data too (both timelines' WAL, the history, with
		# FAILOVER_TRACE every statement and its transaction), to tell
		# which transaction an acknowledged write was and what became of it.
		scripts/ha.sh stop >/dev/null 2>&1 || true
		rm -rf "$LOGS/ha-data"
		cp -a "$HA_DIR" "$LOGS/ha-data" && cp "$LOGS"/app-*.log "$LOGS"/test.log "$LOGS/ha-data"/ 2>/dev/null &&
			echo "failover-test: the pair's data and the apps' logs are kept in $LOGS/ha-data" >&2
	fi
	scripts/ha.sh down >/dev/null 2>&1 || true
}
trap cleanup EXIT

scripts/ha.sh down >/dev/null 2>&1 || true
url=$(scripts/ha.sh up)
if [[ -n "${FAILOVER_TRACE:-}" ]]; then
	# Every statement, when it ends, with its transaction id and session.
	for port in "$HA_NODE1_PORT" "$HA_NODE2_PORT"; do
		(cd / && runuser -u postgres -- psql -q -h 127.0.0.1 -p "$port" -d postgres \
			-c "ALTER SYSTEM SET log_min_duration_statement = 0" \
			-c "ALTER SYSTEM SET log_line_prefix = '%m [%p] xid=%x %c '" \
			-c "SELECT pg_reload_conf()" >/dev/null)
	done
fi
$GO build -o bin/crm ./cmd/crm
DATABASE_URL=$url bin/crm migrate up
mkdir -p "$LOGS"
apps=()
for port in "${PORTS[@]}"; do
	DATABASE_URL=$url ADDR=127.0.0.1:$port LOG_LEVEL=warn bin/crm serve >"$LOGS/app-$port.log" 2>&1 &
	pids+=($!)
	apps+=("http://127.0.0.1:$port")
done
for port in "${PORTS[@]}"; do
	for _ in $(seq 100); do
		curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
		sleep 0.2
	done
	curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { echo "failover-test: the app on port $port did not start; see $LOGS/app-$port.log" >&2; exit 1; }
done
echo "failover-test: pair up ($url), apps on ${apps[*]}; logs in $LOGS"

FAILOVER_APPS=$(IFS=,; echo "${apps[*]}") FAILOVER_HA=$PWD/scripts/ha.sh DATABASE_URL=$url \
	$GO test -count=1 -timeout 10m -run '^TestFailover$' -v ./functional/ 2>&1 |
	tee "$LOGS/test.log" | grep -E '^\s+(failover|soak)_test|^(---|ok|FAIL|PASS)|panic'
