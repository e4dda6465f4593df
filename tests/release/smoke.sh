#!/usr/bin/env bash
# The app a user runs: the .deb that `tauri build` makes, installed with
# dpkg, started under Xvfb. It must open its window, and — built without
# the e2e feature — must not listen on the MCP bridge's port (9223), whose
# execute_js would run any script in the app for any local process.
# Usage: tests/release/smoke.sh PATH.deb|PROGRAM [SCREENSHOT.png]
# (a program instead of a .deb checks that program as it is: the e2e build
# must fail the port check, which proves the check can fail.)
set -euo pipefail
deb=$1
shot=${2:-test-results/release/window.png}
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"

if [[ $deb == *.deb ]]; then
  $sudo_cmd dpkg -i "$deb" >/dev/null
  binary=$(dpkg -L "$(dpkg-deb -f "$deb" Package)" | grep -E '^/usr/bin/' | head -n 1)
  [ -x "$binary" ] || { echo "smoke: the package installs no program in /usr/bin" >&2; exit 1; }
  echo "smoke: installed $(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version): $binary"
else
  binary=$deb
fi

home=$(mktemp -d "${TMPDIR:-/tmp}/tusk-e2e-release-XXXXXX")
mkdir -p "$(dirname "$shot")"
cleanup() {
  [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT

display=":$((90 + RANDOM % 9))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
sleep 1
DISPLAY=$display XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" "$binary" \
  >"$home/app.log" 2>&1 &
app_pid=$!

# The window is up once the webview has drawn something other than the
# empty screen (a single colour).
colours=1
for _ in $(seq 1 60); do
  sleep 1
  kill -0 "$app_pid" 2>/dev/null || { cat "$home/app.log" >&2; echo "smoke: the app exited" >&2; exit 1; }
  DISPLAY=$display import -window root "$shot" 2>/dev/null || continue
  colours=$(identify -format '%k' "$shot")
  [ "$colours" -gt 20 ] && break
done
[ "$colours" -gt 20 ] || { echo "smoke: no window was drawn (screenshot $shot has $colours colours)" >&2; exit 1; }
echo "smoke: the window is drawn ($colours colours, $shot)"

# Listening TCP sockets of the app's process: none may be the bridge.
inodes=$(find "/proc/$app_pid/fd" -lname 'socket:*' -printf '%l\n' 2>/dev/null | tr -dc '0-9\n' | sort -u)
listening=$(awk 'NR > 1 && $4 == "0A" { print $2 " " $10 }' /proc/net/tcp /proc/net/tcp6)
while read -r addr inode; do
  [ -n "$inode" ] || continue
  if grep -qx "$inode" <<<"$inodes"; then
    port=$((16#${addr##*:}))
    echo "smoke: the release app listens on TCP port $port" >&2
    exit 1
  fi
done <<<"$listening"
if ss -ltn 2>/dev/null | grep -q ':9223 '; then
  echo "smoke: something listens on 9223" >&2
  exit 1
fi
echo "smoke: the release app listens on no TCP port (no MCP bridge)"
