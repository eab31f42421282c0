#!/usr/bin/env bash
# Installs Gromada with its test dependencies into .venv and runs the whole test suite on
# SQLite, then the race tests named *_on_postgres again on a throwaway PostgreSQL server when
# this machine has PostgreSQL installed. On SQLite Tortoise runs one transaction at a time,
# so those races cannot happen there (tests/conftest.py); on PostgreSQL they can.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test,browser]"
.venv/bin/python -m pytest -q "$@"

sqlite_only() {
    echo "race tests ran on SQLite only: $1"
    exit 0
}

if [[ -n "${GROMADA_TEST_DATABASE_URL:-}" ]]; then
    echo "race tests ran on PostgreSQL with the suite (GROMADA_TEST_DATABASE_URL)"
    exit 0
fi

# The newest PostgreSQL whose server programs are on PATH or where Debian puts them.
pg_bin=""
if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    pg_bin=$(dirname "$(command -v initdb)")
else
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
        [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && pg_bin=$dir
    done
fi
[[ -n "$pg_bin" ]] || sqlite_only "no PostgreSQL found (initdb and pg_ctl; Debian: apt-get install postgresql)"

# initdb refuses to run as root: the server then runs as the postgres user.
as_server_user=()
if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || sqlite_only "running as root and there is no postgres user to run PostgreSQL as"
    command -v runuser >/dev/null 2>&1 || sqlite_only "running as root without runuser to run PostgreSQL as postgres"
    as_server_user=(runuser -u postgres --)
fi

scratch=$(mktemp -d)
stop_server() {
    if [[ -f "$scratch/data/postmaster.pid" ]]; then
        "${as_server_user[@]}" "$pg_bin/pg_ctl" -D "$scratch/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$scratch"
}
trap stop_server EXIT
password=$(.venv/bin/python -c "import secrets; print(secrets.token_hex(16))")
echo "$password" >"$scratch/password"
if [[ ${#as_server_user[@]} -gt 0 ]]; then
    chown -R postgres "$scratch"
fi
port=$(.venv/bin/python -c "
import socket
with socket.socket() as probe:
    probe.bind(('127.0.0.1', 0))
    print(probe.getsockname()[1])")

echo "== race tests on a throwaway PostgreSQL ($("$pg_bin/pg_ctl" --version | awk '{print $NF}'), 127.0.0.1:$port) =="
"${as_server_user[@]}" "$pg_bin/initdb" -D "$scratch/data" -U gromada --pwfile="$scratch/password" \
    --auth=scram-sha-256 -E UTF8 --no-sync >"$scratch/initdb.log" 2>&1 \
    || { cat "$scratch/initdb.log"; exit 1; }
# Loopback only, its socket in the scratch folder, and no durability: the data dies with the run.
"${as_server_user[@]}" "$pg_bin/pg_ctl" -D "$scratch/data" -l "$scratch/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $scratch -c fsync=off -c full_page_writes=off" \
    start >/dev/null || { cat "$scratch/server.log"; exit 1; }

status=0
GROMADA_TEST_DATABASE_URL="postgres://gromada:$password@127.0.0.1:$port/postgres" \
    .venv/bin/python -m pytest -q -k on_postgres || status=$?
if [[ $status -eq 5 ]]; then
    # pytest's "no tests collected": no test is named for PostgreSQL, a gap but not a failure.
    echo "no test is named *_on_postgres: no race test ran on PostgreSQL"
    status=0
fi
exit $status
