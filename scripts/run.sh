#!/usr/bin/env bash
# Starts Tusk Backup: installs what is missing, builds the desktop app and the
# `tusk` CLI, and opens the app on TUSK_DATABASE_URL when it is set, else on
# the local demo database (a throwaway PostgreSQL from the installed binaries,
# seeded with a small shop, kept in ~/.local/share/tusk/demo).
#
# Without a display (a server, an SSH session) it starts the demo database
# itself and opens a shell ready to use `tusk`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
cd "$root"
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.tusk-lock 2>/dev/null)" != "$lock_hash" ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" >node_modules/.tusk-lock
fi
(cd src-tauri && cargo build --release -p tusk-cli)
export PATH="$root/src-tauri/target/release:$PATH"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  # The release app, as the .deb ships it: without the e2e feature, so no
  # test bridge listens on a port.
  (unset TAURI_CONFIG; npx tauri build --no-bundle)
  [ -n "${TUSK_DATABASE_URL:-}" ] || export TUSK_START_DEMO=1
  echo "Starting Tusk Backup (the CLI is src-tauri/target/release/tusk)"
  exec "$root/src-tauri/target/release/tusk-app"
fi

echo "No display: starting the demo database and a shell with the tusk CLI instead."
if [ -z "${TUSK_DATABASE_URL:-}" ]; then
  demo="${TUSK_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/tusk}/demo"
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  as_pg=()
  [ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)
  # The socket folder decides who may connect (trust authentication): 0700.
  mkdir -p -m 700 "$demo" "$demo/run"
  chmod 700 "$demo" "$demo/run"
  [ "$(id -u)" -eq 0 ] && chown postgres "$demo" "$demo/run"
  if [ ! -f "$demo/data/PG_VERSION" ]; then
    "${as_pg[@]}" "$bin/initdb" -D "$demo/data" -A trust -U postgres -E UTF8 >/dev/null
    fresh=1
  fi
  if ! "$bin/pg_isready" -q -h "$demo/run" -p 54320; then
    "${as_pg[@]}" "$bin/pg_ctl" -D "$demo/data" -l "$demo/server.log" -w \
      -o "-k $demo/run -p 54320 -c listen_addresses=''" start >/dev/null
  fi
  if [ -n "${fresh:-}" ]; then
    "$bin/psql" -X -q -h "$demo/run" -p 54320 -U postgres -c "CREATE DATABASE demo"
    "$bin/psql" -X -q -h "$demo/run" -p 54320 -U postgres -d demo -f "$root/scripts/demo.sql"
  fi
  export PGHOST="$demo/run" PGPORT=54320 PGUSER=postgres PGDATABASE=demo
  echo "Demo database \"demo\" is running (socket $demo/run, port 54320); stop it with:"
  echo "  ${as_pg[*]} $bin/pg_ctl -D $demo/data stop"
else
  echo "Using TUSK_DATABASE_URL"
fi

cat <<MSG

Try:
  tusk check                                  # connect, show the server version
  tusk backup -o /tmp/demo.backup             # custom format, progress bar, recorded in the history
  tusk backup --preset fast -o /tmp/demo_fast # measured fast preset
  tusk list                                   # the history
  tusk verify /tmp/demo.backup                # checksum + test restore with row counts
  tusk restore /tmp/demo.backup --target-db demo_copy --create-db
  tusk schedule add --name hourly --every 1h --keep-last 24 --verify && tusk schedule run hourly
MSG
if [ -t 0 ] && [ -z "${CI:-}" ]; then
  exec "${SHELL:-bash}"
fi
