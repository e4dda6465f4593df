#!/usr/bin/env bash
# The whole test suite: formatting, lints, type checks, unit and integration
# tests against a real throwaway PostgreSQL the tests start themselves, the
# dialogs' screenshot tests in Chromium, and the real app driven through the
# Tauri MCP bridge under Xvfb.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
export CI="${CI:-true}"
started=$SECONDS
step() { echo "== [$((SECONDS - started)) s] $*"; }
# Every process of the run (the CLI under test, the app the MCP tests drive)
# appends its log here; the last step searches it for the test password.
export TUSK_LOG_FILE="${TMPDIR:-/tmp}/tusk-test-run-$$.log"
: >"$TUSK_LOG_FILE"
trap 'rm -f "$TUSK_LOG_FILE"' EXIT

cd "$root"
step "npm ci"
# Reinstalls only when the lock file changed since the last install.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.tusk-lock 2>/dev/null)" != "$lock_hash" ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" >node_modules/.tusk-lock
fi

step "prettier --check"
npm run --silent format:check
step "svelte-check"
npm run --silent check
step "vitest"
npm run --silent test:unit
step "vite build (the frontend the app embeds)"
npm run --silent build

cd "$root/src-tauri"
# One feature set for the lints, the tests and the app the end-to-end tests
# drive (the embedded frontend, and the MCP bridge's capability from
# tauri.test.conf.json, as `tauri build --config` would pass it), so the
# Tauri and GTK crates compile once, not once per command.
export TAURI_CONFIG
TAURI_CONFIG=$(jq -c . tauri.test.conf.json)
features=(--features tauri/custom-protocol,tusk-app/e2e)
step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked "${features[@]}" -- -D warnings
step "cargo clippy, the engine with its portable platform layer"
cargo clippy -p tusk-engine --all-targets --locked --features portable -- -D warnings
step "module graph: the engine's rooms, the CLI and the app have no cycles"
python3 "$root/scripts/module-graph.py"
step "cargo build (app, CLI, harness, tests)"
cargo build --workspace --all-targets --locked "${features[@]}"
step "cargo test (engine, archive, CLI, app commands, bindings freshness)"
cargo test --workspace --locked "${features[@]}"
step "cargo test, the engine through the portable platform layer (what macOS and Windows get)"
# The version matrix and the whole-server round trip prove versions and
# servers, not the platform layer: they ran above.
cargo test -p tusk-engine --locked --features portable -- --skip postgresql_1 --skip a_whole_server
step "cargo check for Windows: the engine, the CLI and the app compile there"
if rustup target list --installed 2>/dev/null | grep -qx x86_64-pc-windows-gnu ||
  rustup target add x86_64-pc-windows-gnu >/dev/null 2>&1; then
  # The app as a user gets it: without the end-to-end tests' bridge and config.
  (unset TAURI_CONFIG; cargo check --target x86_64-pc-windows-gnu --locked -p tusk-archive -p tusk-engine -p tusk-cli -p tusk-app)
else
  echo "skipped: rustup could not install the x86_64-pc-windows-gnu standard library here"
fi

cd "$root"
step "playwright (dialogs, mocked IPC, Debian Chromium)"
npx playwright test

step "real app under Xvfb, driven through the Tauri MCP bridge"
xvfb-run -a -s "-screen 0 1280x800x24" node --test --test-concurrency=1 tests/mcp/

step "the release .deb: built by tauri build, installed, started, no bridge"
(unset TAURI_CONFIG; npx tauri build --bundles deb)
deb=$(ls -t src-tauri/target/release/bundle/deb/*.deb | head -n 1)
bash tests/release/smoke.sh "$deb" test-results/release/window.png
step "the test run's log: written, and no password in it"
# The test server's password role (src-tauri/testkit/src/lib.rs, PASSWORD).
password='s3cret-Pa55:word\with#odd'
grep -q "tool started" "$TUSK_LOG_FILE" || { echo "the test run wrote no log to $TUSK_LOG_FILE" >&2; exit 1; }
# The notification tests' webhook URL token and SMTP password
# (src-tauri/cli/tests/notifications.rs).
for secret in "$password" 'hook-secret-token' 'smtp pässword "=" 1'; do
  if grep -F -n -- "$secret" "$TUSK_LOG_FILE"; then
    echo "a test secret is in the log of the test run (above)" >&2
    exit 1
  fi
done
echo "$(wc -l <"$TUSK_LOG_FILE") log lines, no password or webhook URL"
step "all tests passed"
