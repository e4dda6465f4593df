#!/usr/bin/env bash
# Builds Garage, the S3-compatible store the bucket tests and bench/ start on
# loopback, into ~/.cache/tusk/garage-VERSION/bin (where tusk-testkit's
# garage.rs looks), once: about 8 minutes on 2 cores. Garage is AGPL-3.0:
# built and run as a separate test server only, never linked into Tusk or
# shipped. Prints the binary's path.
set -euo pipefail
version=2.5.0
root="$HOME/.cache/tusk/garage-$version"
if [ ! -x "$root/bin/garage" ]; then
  echo "garage: building Garage $version for the bucket tests (once; about 8 minutes)" >&2
  CARGO_TARGET_DIR="$root/target" cargo install garage --version "$version" --locked \
    --no-default-features --features bundled-libs,sqlite --root "$root" --quiet >&2
  rm -rf "$root/target"
fi
echo "$root/bin/garage"
