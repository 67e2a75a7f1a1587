#!/usr/bin/env bash
# Provisions a PostgreSQL database for the CRM and prints its URL on stdout;
# everything it does is said on stderr. Used by the Makefile:
#
#   DATABASE_URL=$(scripts/db.sh)
#
# In order of preference:
#   1. DATABASE_URL already set: used as is, nothing else is touched.
#   2. A Docker engine answers: `docker compose up -d --wait db`.
#   3. Debian's PostgreSQL cluster tools (pg_lsclusters): the cluster is
#      created or started if needed, and role crm (password crm, LOGIN
#      CREATEDB) and database crm are created if missing. Needs root.
# Safe to run again: it only does what is missing.
set -euo pipefail

readonly ROLE=crm PASSWORD=crm DATABASE=crm
readonly WANT_VERSION=15

say() { printf 'db.sh: %s\n' "$*" >&2; }
die() {
	say "$*"
	exit 1
}

if [[ -n "${DATABASE_URL:-}" ]]; then
	say "Using DATABASE_URL from the environment."
	printf '%s\n' "$DATABASE_URL"
	exit 0
fi

cd "$(dirname "$0")/.."

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
	say "A Docker engine answers: starting the db service of docker-compose.yml."
	docker compose up -d --wait db >&2 ||
		die "docker compose up -d --wait db failed (is port 5432 taken by a local PostgreSQL? stop it, or set DATABASE_URL)."
	say "The db container is up and healthy."
	printf 'postgres://%s:%s@127.0.0.1:5432/%s?sslmode=disable\n' "$ROLE" "$PASSWORD" "$DATABASE"
	exit 0
fi

if ! command -v pg_lsclusters >/dev/null 2>&1; then
	die "No PostgreSQL found. Provide one of:
  - DATABASE_URL=postgres://USER:PASS@HOST:PORT/DB?sslmode=disable (a role that may CREATE DATABASE, for the tests)
  - a running Docker engine (docker compose up -d db is then done for you)
  - Debian's PostgreSQL: apt-get install postgresql (run this as root and the cluster, role and database are set up for you)"
fi

as_postgres() {
	if [[ $(id -u) -eq 0 ]]; then
		runuser -u postgres -- "$@"
	elif [[ $(id -un) == postgres ]]; then
		"$@"
	else
		die "Setting up the local PostgreSQL cluster needs root (or user postgres). Run as root, or set DATABASE_URL."
	fi
}

did=()

# Pick the cluster: version $WANT_VERSION's main if present, else the first one.
cluster=$(pg_lsclusters -h | awk -v v="$WANT_VERSION" '$1 == v && $2 == "main" {print; exit}')
[[ -n "$cluster" ]] || cluster=$(pg_lsclusters -h | head -n 1)
if [[ -z "$cluster" ]]; then
	command -v pg_createcluster >/dev/null 2>&1 || die "pg_lsclusters lists no cluster and pg_createcluster is missing: apt-get install postgresql, or set DATABASE_URL."
	[[ $(id -u) -eq 0 ]] || die "No PostgreSQL cluster exists and creating one needs root. Run as root, or set DATABASE_URL."
	version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
	say "No PostgreSQL cluster exists: creating ${version}/main."
	pg_createcluster "$version" main >&2
	did+=("created the local PostgreSQL $version cluster")
	cluster=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print; exit}')
fi
read -r version name port status _ <<<"$cluster"

if [[ "$status" != online* ]]; then
	[[ $(id -u) -eq 0 ]] || die "The local PostgreSQL $version cluster is $status and starting it needs root. Run as root: pg_ctlcluster $version $name start"
	say "The local PostgreSQL $version cluster ($name, port $port) is $status: starting it."
	pg_ctlcluster "$version" "$name" start >&2 ||
		die "pg_ctlcluster $version $name start failed; see /var/log/postgresql/postgresql-$version-$name.log"
	did+=("started the local PostgreSQL $version cluster")
fi

for _ in $(seq 1 60); do
	pg_isready -q -h 127.0.0.1 -p "$port" && break
	sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$port" || die "PostgreSQL $version on 127.0.0.1:$port does not accept connections after 30 s."

psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres "$@"; }

if [[ -z $(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'") ]]; then
	psql_admin -c "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'"
	did+=("created role $ROLE")
elif [[ $(psql_admin -tAc "SELECT rolcanlogin AND rolcreatedb FROM pg_roles WHERE rolname = '$ROLE'") != t ]]; then
	psql_admin -c "ALTER ROLE $ROLE LOGIN CREATEDB"
	did+=("gave role $ROLE LOGIN and CREATEDB")
fi

if [[ -z $(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'") ]]; then
	psql_admin -c "CREATE DATABASE $DATABASE OWNER $ROLE"
	did+=("created database $DATABASE")
fi

url="postgres://$ROLE:$PASSWORD@127.0.0.1:$port/$DATABASE?sslmode=disable"
if ! PGCONNECT_TIMEOUT=5 psql -X -q "$url" -tAc 'SELECT 1' >/dev/null 2>&1; then
	# The role exists but its password is not the one the URL carries.
	psql_admin -c "ALTER ROLE $ROLE PASSWORD '$PASSWORD'"
	did+=("reset the password of role $ROLE to '$PASSWORD'")
	PGCONNECT_TIMEOUT=5 psql -X -q "$url" -tAc 'SELECT 1' >/dev/null ||
		die "Cannot connect as $ROLE over TCP to 127.0.0.1:$port; check pg_hba.conf of cluster $version/$name allows password logins from 127.0.0.1."
fi

if ((${#did[@]} == 0)); then
	say "The local PostgreSQL $version cluster is running; role $ROLE and database $DATABASE already exist."
else
	summary=$(printf '%s; ' "${did[@]}")
	summary=${summary%; }
	say "${summary^}."
fi
printf '%s\n' "$url"
