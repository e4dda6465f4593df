#!/usr/bin/env bash
# Installs what building and testing Tusk needs on Debian 12. Idempotent: a
# machine that has everything installs nothing.
set -euo pipefail

packages=(
  postgresql postgresql-client build-essential pkg-config libssl-dev time jq
  # Tauri 2 on Linux, the keychain (Secret Service over D-Bus), headless UI tests
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev libdbus-1-dev
  curl wget file xvfb xauth imagemagick chromium fonts-dejavu-core
  # the CLI tests trace fsync calls
  strace iproute2
  # the stock `age -d` the encryption tests decrypt with
  age
  # libfaketime: a Garage node whose clock is off (the clock-skew test)
  faketime
  # scripts/module-graph.py
  python3
  # C parts of the Rust dependencies, for the Windows check (cargo check --target x86_64-pc-windows-gnu)
  gcc-mingw-w64-x86-64
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

for tool in cargo rustfmt cargo-clippy; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is missing (install Rust with rustfmt and clippy)" >&2; exit 1; }
done
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ] || ! command -v npm >/dev/null; then
  echo "setup: Node.js 20 or newer with npm is needed for the frontend (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# Garage, the S3-compatible store the bucket tests start on loopback.
bash "$(dirname "${BASH_SOURCE[0]}")/garage.sh" >/dev/null

# PostgreSQL 13, 14, 16, 17 and 18 (server and tools) for the version matrix.
bash "$(dirname "${BASH_SOURCE[0]}")/postgres-versions.sh" >/dev/null
