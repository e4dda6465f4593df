#!/usr/bin/env bash
# Starts Tusk: builds it, starts the local demo database (a throwaway
# PostgreSQL from the installed binaries, seeded with sample data) unless
# TUSK_DATABASE_URL names another, and opens a shell ready to use `tusk`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
(cd "$root/src-tauri" && cargo build --release -p tusk-cli)
export PATH="$root/src-tauri/target/release:$PATH"

if [ -z "${TUSK_DATABASE_URL:-}" ]; then
  demo="${XDG_DATA_HOME:-$HOME/.local/share}/tusk/demo"
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  as_pg=()
  [ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)
  if [ ! -f "$demo/data/PG_VERSION" ]; then
    mkdir -p "$demo"
    [ "$(id -u)" -eq 0 ] && chown postgres "$demo"
    "${as_pg[@]}" "$bin/initdb" -D "$demo/data" -A trust -U postgres -E UTF8 >/dev/null
    fresh=1
  fi
  if ! "$bin/pg_isready" -q -h "$demo" -p 54320; then
    "${as_pg[@]}" "$bin/pg_ctl" -D "$demo/data" -l "$demo/server.log" -w \
      -o "-k $demo -p 54320 -c listen_addresses=''" start >/dev/null
  fi
  if [ -n "${fresh:-}" ]; then
    "$bin/psql" -X -q -h "$demo" -p 54320 -U postgres -c "CREATE DATABASE demo"
    "$bin/psql" -X -q -h "$demo" -p 54320 -U postgres -d demo -f "$root/scripts/demo.sql"
  fi
  export PGHOST="$demo" PGPORT=54320 PGUSER=postgres PGDATABASE=demo
  echo "Demo database \"demo\" is running (socket $demo, port 54320); stop it with:"
  echo "  ${as_pg[*]} $bin/pg_ctl -D $demo/data stop"
else
  echo "Using TUSK_DATABASE_URL"
fi

cat <<MSG

Try:
  tusk check                                  # connect, show the server version
  tusk tools                                  # the pg tools found and which are used
  tusk backup -o /tmp/demo.backup             # custom format, progress bar
  tusk backup --preset fast -o /tmp/demo_fast # measured fast preset
  tusk info /tmp/demo.backup                  # what the backup holds
  tusk restore /tmp/demo.backup --target-db demo_copy --create-db
MSG
if [ -t 0 ] && [ -z "${CI:-}" ]; then
  exec "${SHELL:-bash}"
fi
