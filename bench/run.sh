#!/usr/bin/env bash
# Tusk Backup benchmark: engine overhead, the "fast" preset, progress accuracy
# and peak memory, measured in one run against a throwaway PostgreSQL.
# See bench/README.md for what each figure means and its target.
#
#   bench/run.sh            full size (~0.5 GB database, about 4-5 minutes on an idle 2-core machine)
#   bench/run.sh --quick    smoke run (50k rows per table, 200 small tables)
#   bench/run.sh --offsite  only (e): backups to and restores from a local Garage, encryption
#   bench/run.sh --versions only (f): PostgreSQL 18's server and tools, pg_dump's own zstd/lz4 vs the fast preset
#
# Environment: BENCH_ROWS (rows per big table, default 900000), BENCH_SMALL_TABLES
# (default 2000), BENCH_REPS (default 3), BENCH_CAND_REPS (default 1),
# BENCH_PORT (default 5499), BENCH_TMPDIR (default /tmp), BENCH_KEEP=1 (keep the
# work folder), TUSK_BIN (use this binary, do not build), BENCH_NO_BUILD=1.
set -euo pipefail

SCRIPT_T0=$(date +%s%N)
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH_DIR")
PGBIN=/usr/lib/postgresql/15/bin

usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

MODE=full
ONLY_OFFSITE=0
ONLY_VERSIONS=0
for arg in "$@"; do
  case $arg in
    --quick) MODE=quick ;;
    --offsite) ONLY_OFFSITE=1 ;;
    --versions) ONLY_OFFSITE=1 ONLY_VERSIONS=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; usage >&2; exit 2 ;;
  esac
done
if [ "$ONLY_VERSIONS" = 1 ]; then
  # The server and every tool of PostgreSQL 18 (pg_dump 16+ compresses with zstd and lz4).
  PGBIN=$(bash "$REPO/scripts/postgres-versions.sh")/18/bin
  export TUSK_PG_BIN=$PGBIN
fi
if [ "$MODE" = quick ]; then
  ROWS=${BENCH_ROWS:-50000}
  SMALL_TABLES=${BENCH_SMALL_TABLES:-200}
else
  ROWS=${BENCH_ROWS:-900000}
  SMALL_TABLES=${BENCH_SMALL_TABLES:-2000}
fi
REPS=${BENCH_REPS:-3}
CAND_REPS=${BENCH_CAND_REPS:-1}
PORT=${BENCH_PORT:-5499}

# ---------------------------------------------------------------- helpers
h() { python3 "$BENCH_DIR/helpers.py" "$@"; }
section() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }
say() { printf '  %s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
secs() { h calc "$1/1000" .2f; }                 # ms -> "12.34"
mib() { h calc "$1/1048576" .1f; }               # bytes -> "123.4"
size_of() { du -sb "$1" | cut -f1; }
median() { h median "$@"; }
# outside WALLS DURS : median of wall - job's own duration, per run (ms)
outside() {
  local -n walls=$1 durs=$2
  local diffs=() i
  for i in "${!walls[@]}"; do diffs+=($((walls[i] - durs[i]))); done
  median "${diffs[@]}"
}
# index (0-based) of the median value among the arguments (odd counts)
median_index() {
  local m i=0 v
  m=$(median "$@")
  for v in "$@"; do
    if [ "$(h calc "abs($v-$m)<0.5" s)" = True ]; then echo "$i"; return; fi
    i=$((i + 1))
  done
  echo 0
}
verdict() { if [ "$(h calc "$1" s)" = True ]; then echo PASS; else echo FAIL; fi; }

ROWS_TSV=""   # set once the work folder exists
row() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-}" >>"$ROWS_TSV"; }

# timed OUT ERR CMD... : runs CMD (stdout to OUT, stderr to ERR), sets WALL (ms).
timed() {
  local out=$1 err=$2 t0 rc=0
  shift 2
  t0=$(date +%s%N)
  "$@" >"$out" 2>"$err" || rc=$?
  WALL=$((($(date +%s%N) - t0) / 1000000))
  if [ $rc -ne 0 ]; then
    echo "FAILED (exit $rc): $*" >&2
    tail -n 20 "$out" "$err" >&2 || true
    exit 1
  fi
}

# ---------------------------------------------------------------- prerequisites
section "Prerequisites"
[ "$(id -u)" = 0 ] || die "run as root (initdb runs through runuser -u postgres)"
missing=()
[ -x "$PGBIN/postgres" ] || missing+=(postgresql)
[ -x "$PGBIN/pg_dump" ] || missing+=(postgresql-client)
command -v jq >/dev/null || missing+=(jq)
[ -x /usr/bin/time ] || missing+=(time)
command -v python3 >/dev/null || missing+=(python3)
command -v zstd >/dev/null || missing+=(zstd)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
id postgres >/dev/null 2>&1 || die "no postgres user (is the postgresql package installed?)"

if [ -n "${TUSK_BIN:-}" ]; then
  TUSK=$TUSK_BIN
else
  TUSK=$REPO/src-tauri/target/release/tusk
  if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
    command -v cargo >/dev/null || { [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"; }
    say "building tusk-cli (release)…"
    if ! (cd "$REPO/src-tauri" && cargo build --release -q -p tusk-cli); then
      [ -x "$TUSK" ] || die "tusk-cli does not build and there is no binary at $TUSK"
      say "WARNING: the build failed: measuring the existing (older) binary $TUSK"
    fi
  fi
fi
[ -x "$TUSK" ] || die "no tusk binary at $TUSK"
TUSK_VERSION=$("$TUSK" --version 2>/dev/null || echo "tusk (unknown version)")
say "tusk:    $TUSK ($TUSK_VERSION)"
say "pg_dump: $("$PGBIN/pg_dump" --version)"
# CPU already busy (e.g. a cargo build) makes every figure noisy: say so.
cpu_busy() { # percent of CPU busy over one second, from /proc/stat
  local a b
  a=$(awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat)
  sleep 1
  b=$(awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat)
  h calc "100*(${b% *}-${a% *})/max(1,${b#* }-${a#* })" .0f
}
BUSY_BEFORE=$(cpu_busy)
if [ "$BUSY_BEFORE" -gt 15 ]; then
  say "WARNING: the CPU is already ${BUSY_BEFORE}% busy before the bench: figures will be noisy"
  ps -eo pid,pcpu,comm --sort=-pcpu | sed -n '2,4p' | sed 's/^/    /'
fi
say "machine: $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GB RAM, mode $MODE, $ROWS rows x 2 tables, $SMALL_TABLES small tables, $REPS reps"

# ---------------------------------------------------------------- throwaway server
section "Setup: throwaway PostgreSQL"
WORK=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/tusk-bench.XXXXXX")
# tusk records its backups in a history of its own here, not the user's.
export TUSK_DATA_DIR="$WORK/data"
chmod 711 "$WORK"
PGDIR=$WORK/pg
OUT=$WORK/out
mkdir -p "$PGDIR" "$OUT"
chown postgres:postgres "$PGDIR"
ROWS_TSV=$WORK/rows.tsv
: >"$ROWS_TSV"

cleanup() {
  set +e
  [ -n "${MONITOR_PID:-}" ] && kill "$MONITOR_PID" 2>/dev/null
  [ -n "${GARAGE_PID:-}" ] && kill "$GARAGE_PID" 2>/dev/null
  if [ -f "$PGDIR/data/postmaster.pid" ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    echo "bench: kept $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

runuser -u postgres -- "$PGBIN/initdb" -A trust -U postgres -D "$PGDIR/data" >"$WORK/initdb.log" 2>&1 ||
  { cat "$WORK/initdb.log"; die "initdb failed"; }
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -W \
  -o "-k $PGDIR -p $PORT -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
for _ in $(seq 1 100); do
  "$PGBIN/pg_isready" -q -h "$PGDIR" -p "$PORT" && break
  sleep 0.1
done
"$PGBIN/pg_isready" -q -h "$PGDIR" -p "$PORT" || { cat "$PGDIR/server.log"; die "the server did not start"; }
say "server up: socket $PGDIR, port $PORT (fsync=off, synchronous_commit=off, full_page_writes=off)"

# CPU used by processes outside the benchmark (a cargo build, …), per section
echo 0 >"$WORK/foreign"
h monitor "$WORK/foreign" $$ "$PGDIR/data/postmaster.pid" &
MONITOR_PID=$!
foreign_now() { cat "$WORK/foreign" 2>/dev/null || echo 0; }

CONN=(-h "$PGDIR" -p "$PORT" -U postgres)
q() { local db=$1; shift; "$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "${CONN[@]}" -d "$db" "$@"; }
# Each measured run starts from the same state, whatever ran before it: the
# server's dirty buffers written (CHECKPOINT) and the kernel's write-back of
# them and of earlier runs' files done (sync). Without it, a run that follows
# a restore pays for writing out that restore's gigabyte.
settle() { q postgres -c "CHECKPOINT" >/dev/null && sync; }
dropdb_() { PGOPTIONS="-c client_min_messages=warning" "$PGBIN/dropdb" "${CONN[@]}" --if-exists "$1"; }

# ---------------------------------------------------------------- data
section "Setup: database \"bench\" (2 tables x $ROWS rows)"
t0=$(date +%s%N)
q postgres -c "CREATE DATABASE bench"
fill_table() { # NAME SEED
  q bench <<SQL
CREATE TABLE $1 (
  id uuid DEFAULT gen_random_uuid(),
  created timestamptz NOT NULL,
  amount numeric(12,2) NOT NULL,
  note text NOT NULL,
  payload jsonb NOT NULL
);
INSERT INTO $1 (created, amount, note, payload)
SELECT timestamptz '2024-01-01' + (i * $2 % 31536000) * interval '1 second',
       ((i * 7919 + $2) % 10000000) / 100.0,
       md5(i::text) || md5((i * 31 + $2)::text) || left(md5((i * 17)::text), 36),
       jsonb_build_object('n', i, 'k', i % 1000, 'tag', left(md5((i * 13 + $2)::text), 8), 'ok', i % 2 = 0)
FROM generate_series(1::bigint, $ROWS) AS i;
ALTER TABLE $1 ADD PRIMARY KEY (id);
SQL
}
fill_table ledger_a 7 &
pid_a=$!
fill_table ledger_b 11 &
pid_b=$!
wait $pid_a
wait $pid_b
q bench -c "VACUUM ANALYZE" >/dev/null
DB_BYTES=$(q bench -c "SELECT pg_database_size('bench')")
DB_PRETTY=$(q bench -c "SELECT pg_size_pretty(pg_database_size('bench'))")
say "built in $(secs $((($(date +%s%N) - t0) / 1000000))) s: database size $DB_PRETTY ($DB_BYTES bytes)"
q bench -c "SELECT '  ' || relname || ': ' || pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class WHERE relname LIKE 'ledger_%' AND relkind = 'r' ORDER BY 1"
row setup "database size (2 x $ROWS rows)" "$DB_PRETTY" "~486 MB at full size" ""

# ---------------------------------------------------------------- commands
section "Commands under test (from tusk --dry-run --json)"
# direct_argv NAME COMMAND REWRITE... : the engine's command as an argv array NAME
direct_argv() {
  local name=$1 cmd=$2 tmp
  shift 2
  tmp=$(mktemp "$WORK/argv.XXXXXX")
  h argv "$cmd" "$@" >"$tmp"
  mapfile -d '' -t "$name" <"$tmp"
  rm -f "$tmp"
  local -n arr=$name
  [ ${#arr[@]} -gt 0 ] || die "could not parse: $cmd"
}

CUSTOM_TUSK=$OUT/custom_tusk.dump
CUSTOM_DIRECT=$OUT/custom_direct.dump
FAST_TUSK=$OUT/fast_tusk.backup.zst
FAST_DIRECT=$OUT/fast_direct.backup.zst
FAST_UNPACKED=$OUT/fast_unpacked.backup
FC_FILE=$OUT/pgadmin_default.dump

"$TUSK" backup "${CONN[@]}" -d bench -o "$CUSTOM_TUSK" -F custom -Z 6 --dry-run --json >"$WORK/dry_custom.json"
CMD_CUSTOM=$(jq -r .command "$WORK/dry_custom.json")
direct_argv DIRECT_CUSTOM "$CMD_CUSTOM" --after -f "$CUSTOM_DIRECT"
"$TUSK" backup "${CONN[@]}" -d bench -o "$FAST_TUSK" --preset fast --dry-run --json >"$WORK/dry_fast.json"
CMD_FAST=$(jq -r .command "$WORK/dry_fast.json")
# The fast preset is `pg_dump … -Z 0 | zstd -1 > file`, the zstd part done by
# the engine: its direct equivalent pipes the same pg_dump into the zstd CLI.
[[ "$CMD_FAST" == *" | zstd -"* ]] || die "the fast preset no longer streams through zstd: $CMD_FAST"
FAST_LEVEL=${CMD_FAST##* | zstd -}
FAST_LEVEL=${FAST_LEVEL%% *}
direct_argv DIRECT_FAST "${CMD_FAST%% | zstd -*}"
direct_fast() { "${DIRECT_FAST[@]}" | zstd -q -f "-$FAST_LEVEL" -T1 -o "$FAST_DIRECT"; }
# baselines and candidates run the same pg_dump program the engine picked
PG_DUMP=${DIRECT_CUSTOM[0]}
[ "$PG_DUMP" = env ] && PG_DUMP=$PGBIN/pg_dump
say "tusk -F custom -Z 6  runs: $CMD_CUSTOM"
say "tusk --preset fast   runs: $CMD_FAST"
say "dry-run estimate: $(jq -r '"\(.tables) table(s), \(.estimatedBytes) bytes"' "$WORK/dry_fast.json")"

# ---------------------------------------------------------------- runners
# run_tusk TAG ARGS... : tusk ARGS --json with a progress trace; sets WALL, DUR, and
# leaves $WORK/outcome_TAG.json and $WORK/trace_TAG.jsonl.
run_tusk() {
  local tag=$1
  shift
  rm -f "$WORK/trace_$tag.jsonl"
  timed "$WORK/outcome_$tag.json" "$WORK/tusk_$tag.err" env "TUSK_PROGRESS_TRACE=$WORK/trace_$tag.jsonl" "$TUSK" "$@" --json
  local status
  status=$(jq -r .status "$WORK/outcome_$tag.json")
  [ "$status" = completed ] || { cat "$WORK/outcome_$tag.json"; die "tusk $tag ended with status $status"; }
  DUR=$(jq -r .durationMs "$WORK/outcome_$tag.json")
}
direct_restore() { # DB ARGV... : createdb + the pg_restore command
  local db=$1
  shift
  "$PGBIN/createdb" "${CONN[@]}" "$db" && "$@"
}

# On a shared machine (someone's cargo build), a run that other processes
# disturbed is thrown away and repeated once the CPU is quiet again.
REPEATED=0 DISTURBED_KEPT=0 KEPT_FOREIGN=0
LAST_FOREIGN=$(foreign_now)
IDLE_BUDGET=${BENCH_IDLE_WAIT:-180} # seconds of waiting allowed over the whole run
wait_idle() { # until other processes used < 0.1 CPU-s over one second
  local a b
  [ "$(h calc "$(foreign_now)-$LAST_FOREIGN<0.2" s)" = True ] && return 0
  while [ "$IDLE_BUDGET" -gt 0 ]; do
    a=$(foreign_now)
    sleep 1
    IDLE_BUDGET=$((IDLE_BUDGET - 1))
    b=$(foreign_now)
    [ "$(h calc "$b-$a<0.1" s)" = True ] && return 0
  done
  [ "${IDLE_WARNED:-0}" = 1 ] || say "(waited ${BENCH_IDLE_WAIT:-180} s in all for other processes to stop: not waiting or repeating any more)"
  IDLE_WARNED=1
}
# measure LABEL FUNC ARGS... : runs FUNC (which sets WALL) until no other process
# used more than 0.5 CPU-s meanwhile (3 attempts), then prints LABEL and the wall.
measure() {
  local label=$1 attempt f0 used note=""
  shift
  for attempt in 1 2 3; do
    wait_idle
    settle
    DUR=""
    f0=$(foreign_now)
    "$@"
    sleep 0.6 # let the monitor take one more sample
    LAST_FOREIGN=$(foreign_now)
    used=$(h calc "$LAST_FOREIGN-$f0" .1f)
    [ "$(h calc "$used<=0.5" s)" = True ] && break
    if [ $attempt -lt 3 ] && [ "$IDLE_BUDGET" -gt 0 ]; then
      say "$label: $(secs "$WALL") s, disturbed (other processes used $used CPU-s): repeating"
      REPEATED=$((REPEATED + 1))
    else
      note=" [DISTURBED: other processes used $used CPU-s; kept]"
      DISTURBED_KEPT=$((DISTURBED_KEPT + 1))
      break
    fi
  done
  KEPT_FOREIGN=$(h calc "$KEPT_FOREIGN+$used" .1f)
  if [ -n "$DUR" ]; then
    say "$label: $(secs "$WALL") s (job's own durationMs $(secs "$DUR") s)$note"
  else
    say "$label: $(secs "$WALL") s$note"
  fi
}

one_custom() { # WHO REP
  rm -rf "$CUSTOM_TUSK" "$CUSTOM_DIRECT"
  if [ "$1" = tusk ]; then
    run_tusk "custom_$2" backup "${CONN[@]}" -d bench -o "$CUSTOM_TUSK" -F custom -Z 6
    SIZE=$(size_of "$CUSTOM_TUSK")
  else
    timed /dev/null "$WORK/direct_custom.err" "${DIRECT_CUSTOM[@]}"
    SIZE=$(size_of "$CUSTOM_DIRECT")
  fi
  rm -rf "$CUSTOM_TUSK" "$CUSTOM_DIRECT"
}
one_fast() { # WHO REP
  case $1 in
    tusk)
      rm -rf "$FAST_TUSK"
      run_tusk "fast_$2" backup "${CONN[@]}" -d bench -o "$FAST_TUSK" --preset fast
      SIZE=$(size_of "$FAST_TUSK") # kept for the restores
      ;;
    direct)
      rm -rf "$FAST_DIRECT"
      timed /dev/null "$WORK/direct_fast.err" direct_fast
      SIZE=$(size_of "$FAST_DIRECT")
      rm -rf "$FAST_DIRECT"
      ;;
    fc)
      rm -f "$FC_FILE"
      timed /dev/null "$WORK/fc.err" "$PG_DUMP" "${CONN[@]}" -d bench -Fc -f "$FC_FILE"
      SIZE=$(size_of "$FC_FILE") # kept for the restores
      ;;
  esac
}
one_restore() { # WHO REP
  local db=restore_${1}_$2 rows_back
  dropdb_ "$db"
  settle
  case $1 in
    tusk)
      run_tusk "restore_$2" restore "$FAST_TUSK" "${CONN[@]}" --target-db "$db" --create-db -j 2 --no-single-transaction
      ;;
    direct)
      direct_argv RS_ARGV "$CMD_PG_RESTORE" --after -d "$db" --replace "$UNPACK_TMP" "$FAST_UNPACKED"
      timed /dev/null "$WORK/direct_restore.err" unpacked_restore "$db" "${RS_ARGV[@]}"
      ;;
    fc)
      direct_argv RS_ARGV "$CMD_PG_RESTORE" --after -d "$db" --replace "$UNPACK_TMP" "$FC_FILE"
      [[ " ${RS_ARGV[*]} " == *" $FC_FILE "* ]] || die "no input path to replace in: $CMD_RESTORE"
      timed /dev/null "$WORK/fc_restore.err" direct_restore "$db" "${RS_ARGV[@]}"
      ;;
  esac
  rows_back=$(q "$db" -c "SELECT (SELECT count(*) FROM ledger_a) + (SELECT count(*) FROM ledger_b)")
  [ "$rows_back" = $((2 * ROWS)) ] || die "restore $1 rep $2 brought back $rows_back rows, not $((2 * ROWS))"
  dropdb_ "$db"
}
# section_noise LABEL : records the section's repeated/disturbed runs, then resets them
section_noise() {
  local verdict=ok
  [ "$DISTURBED_KEPT" -gt 0 ] && verdict=NOISY
  say "runs repeated because other processes used the CPU: $REPEATED; disturbed runs kept: $DISTURBED_KEPT (other processes' CPU during kept runs: $KEPT_FOREIGN s)"
  row "noise" "$1: runs repeated / disturbed runs kept" "$REPEATED / $DISTURBED_KEPT (other CPU in kept runs $KEPT_FOREIGN s)" "- / 0" "$verdict"
  REPEATED=0 DISTURBED_KEPT=0 KEPT_FOREIGN=0
}

if [ "$ONLY_OFFSITE" = 0 ]; then
# ---------------------------------------------------------------- (a)+(b) backups
section "(a) engine overhead: tusk backup -F custom -Z 6 vs the same pg_dump ($REPS alternating reps)"
W_CUSTOM_TUSK=() W_CUSTOM_DIRECT=() D_CUSTOM=()
for r in $(seq 1 "$REPS"); do
  order=(tusk direct)
  [ $((r % 2)) -eq 0 ] && order=(direct tusk)
  for who in "${order[@]}"; do
    measure "rep $r $who" one_custom "$who" "$r"
    if [ "$who" = tusk ]; then
      W_CUSTOM_TUSK+=("$WALL") D_CUSTOM+=("$DUR") S_CUSTOM_TUSK=$SIZE
    else
      W_CUSTOM_DIRECT+=("$WALL") S_CUSTOM_DIRECT=$SIZE
    fi
  done
done
M_CUSTOM_TUSK=$(median "${W_CUSTOM_TUSK[@]}")
M_CUSTOM_DIRECT=$(median "${W_CUSTOM_DIRECT[@]}")
R_CUSTOM=$(h calc "$M_CUSTOM_TUSK/$M_CUSTOM_DIRECT")
say "median: tusk $(secs "$M_CUSTOM_TUSK") s, pg_dump $(secs "$M_CUSTOM_DIRECT") s -> ratio $R_CUSTOM (sizes $(mib "$S_CUSTOM_TUSK") / $(mib "$S_CUSTOM_DIRECT") MiB)"
section_noise "(a) custom backups"

section "(a)+(b) tusk backup --preset fast vs the same pg_dump vs plain pg_dump -Fc ($REPS alternating reps)"
W_FAST_TUSK=() W_FAST_DIRECT=() W_FC=() D_FAST=()
for r in $(seq 1 "$REPS"); do
  order=(tusk direct fc)
  [ $((r % 2)) -eq 0 ] && order=(fc direct tusk)
  for who in "${order[@]}"; do
    measure "rep $r $who" one_fast "$who" "$r"
    case $who in
      tusk) W_FAST_TUSK+=("$WALL") D_FAST+=("$DUR") S_FAST_TUSK=$SIZE ;;
      direct) W_FAST_DIRECT+=("$WALL") S_FAST_DIRECT=$SIZE ;;
      fc) W_FC+=("$WALL") S_FC=$SIZE ;;
    esac
  done
done
M_FAST_TUSK=$(median "${W_FAST_TUSK[@]}")
M_FAST_DIRECT=$(median "${W_FAST_DIRECT[@]}")
M_FC=$(median "${W_FC[@]}")
R_FAST=$(h calc "$M_FAST_TUSK/$M_FAST_DIRECT")
SPEEDUP=$(h calc "$M_FC/$M_FAST_TUSK" .2f)
SIZE_RATIO=$(h calc "$S_FAST_TUSK/$S_FC")
say "median: tusk fast $(secs "$M_FAST_TUSK") s, its pg_dump $(secs "$M_FAST_DIRECT") s -> ratio $R_FAST (sizes $(mib "$S_FAST_TUSK") / $(mib "$S_FAST_DIRECT") MiB)"
say "median: pg_dump -Fc $(secs "$M_FC") s -> fast preset is ${SPEEDUP}x faster; size $(mib "$S_FAST_TUSK") vs $(mib "$S_FC") MiB -> ratio $SIZE_RATIO"
section_noise "(a)+(b) fast and -Fc backups"

# ---------------------------------------------------------------- (a)+(b) restores
section "(a)+(b) restore: tusk restore vs createdb + the same pg_restore vs pg_restore of -Fc ($REPS alternating reps)"
"$TUSK" restore "$FAST_TUSK" "${CONN[@]}" --target-db bench_dryrun --create-db -j 2 --no-single-transaction \
  --dry-run --json >"$WORK/dry_restore.json"
CMD_RESTORE=$(jq -r .preflight.command "$WORK/dry_restore.json")
say "tusk restore -j 2 runs (after creating the database): $CMD_RESTORE"
# `zstd -dc BACKUP > UNPACKED && pg_restore … UNPACKED`: the engine unpacks,
# then runs pg_restore; directly, the zstd CLI unpacks.
[[ "$CMD_RESTORE" == "zstd -dc "*" && "* ]] || die "the fast backup's restore no longer unpacks first: $CMD_RESTORE"
CMD_PG_RESTORE=${CMD_RESTORE#* && }
UNPACK_TMP=$(python3 -c 'import shlex, sys; print(shlex.split(sys.argv[1])[-1])' "${CMD_RESTORE%% && *}")
unpacked_restore() { # DB ARGV... : zstd -d, createdb + pg_restore of the result
  local rc=0
  zstd -q -d -f "$FAST_TUSK" -o "$FAST_UNPACKED" && direct_restore "$@" || rc=$?
  rm -f "$FAST_UNPACKED"
  return $rc
}
# The first restore into this server creates its WAL segments; later ones
# recycle them. A warm-up restore, not counted, so that rep 1's first run
# (tusk's) does not pay for it alone.
measure "warm-up (not counted)" one_restore direct 0
W_RS_TUSK=() W_RS_DIRECT=() W_RS_FC=() D_RS=()
for r in $(seq 1 "$REPS"); do
  order=(tusk direct fc)
  [ $((r % 2)) -eq 0 ] && order=(fc direct tusk)
  for who in "${order[@]}"; do
    measure "rep $r $who" one_restore "$who" "$r"
    case $who in
      tusk) W_RS_TUSK+=("$WALL") D_RS+=("$DUR") ;;
      direct) W_RS_DIRECT+=("$WALL") ;;
      fc) W_RS_FC+=("$WALL") ;;
    esac
  done
done
M_RS_TUSK=$(median "${W_RS_TUSK[@]}")
M_RS_DIRECT=$(median "${W_RS_DIRECT[@]}")
M_RS_FC=$(median "${W_RS_FC[@]}")
R_RS=$(h calc "$M_RS_TUSK/$M_RS_DIRECT")
R_RS_FC=$(h calc "$M_RS_DIRECT/$M_RS_FC")
say "median: tusk restore $(secs "$M_RS_TUSK") s, createdb + pg_restore $(secs "$M_RS_DIRECT") s -> ratio $R_RS"
say "median: zstd -d + pg_restore -j2 of the fast backup $(secs "$M_RS_DIRECT") s vs pg_restore -j2 of the -Fc file $(secs "$M_RS_FC") s -> ratio $R_RS_FC"
section_noise "(a)+(b) restores"

# ---------------------------------------------------------------- (b) candidates
section "(b) preset candidates (pg_dump directly, $CAND_REPS run(s) each, median)"
CAND_TSV=$WORK/candidates.tsv
: >"$CAND_TSV"
one_candidate() { # PATH ARGS...
  local path=$1
  shift
  rm -rf "$path"
  timed /dev/null "$WORK/cand.err" "$PG_DUMP" "${CONN[@]}" -d bench "$@" -f "$path"
  SIZE=$(size_of "$path")
  rm -rf "$path"
}
# Streaming an uncompressed custom archive through zstd on the other core: a
# route to a faster preset that stock tools restore after one `zstd -d`.
ZSTD_KEEP=$OUT/c_zstd_keep.dump.zst
one_zstd_candidate() { # PATH LEVEL
  rm -f "$1"
  timed /dev/null "$WORK/cand.err" zstd_dump "$1" "$2"
  SIZE=$(size_of "$1")
  if [ "$2" = 1 ]; then mv "$1" "$ZSTD_KEEP"; else rm -f "$1"; fi
}
zstd_dump() { "$PG_DUMP" "${CONN[@]}" -d bench -Fc -Z0 | zstd -q "-$2" -T1 -o "$1"; }
zstd_restore() { # DB : zstd -d to a file, createdb, pg_restore -j 2 of it
  local plain=$OUT/c_zstd_plain.dump
  rm -f "$plain"
  zstd -q -d "$ZSTD_KEEP" -o "$plain" && direct_restore "$1" "$PGBIN/pg_restore" "${CONN[@]}" -d "$1" -j 2 "$plain"
  rm -f "$plain"
}
one_zstd_restore() {
  dropdb_ zstd_restore
  settle
  timed /dev/null "$WORK/cand.err" zstd_restore zstd_restore
  SIZE=0
  local rows_back
  rows_back=$(q zstd_restore -c "SELECT (SELECT count(*) FROM ledger_a) + (SELECT count(*) FROM ledger_b)")
  [ "$rows_back" = $((2 * ROWS)) ] || die "the zstd restore brought back $rows_back rows, not $((2 * ROWS))"
  dropdb_ zstd_restore
}
candidate() { # LABEL PATH ARGS...  (CAND_RUN: the runner, one_candidate by default)
  local label=$1 walls=() r m
  shift
  for r in $(seq 1 "$CAND_REPS"); do
    measure "$label (run $r)" "${CAND_RUN:-one_candidate}" "$@"
    walls+=("$WALL")
  done
  m=$(median "${walls[@]}")
  printf '%s\t%s\t%s\n' "$label" "$m" "$SIZE" >>"$CAND_TSV"
}
candidate "pg_dump -Fc -Z0" "$OUT/c_z0.dump" -Fc -Z0
candidate "pg_dump -Fc -Z1" "$OUT/c_z1.dump" -Fc -Z1
candidate "pg_dump -Fd -j2 -Z1" "$OUT/c_d1.dir" -Fd -j2 -Z1
candidate "pg_dump -Fd -j2 -Z3" "$OUT/c_d3.dir" -Fd -j2 -Z3
if command -v zstd >/dev/null; then
  CAND_RUN=one_zstd_candidate candidate "pg_dump -Fc -Z0 | zstd -3" "$OUT/c_zstd3.dump.zst" 3
  CAND_RUN=one_zstd_candidate candidate "pg_dump -Fc -Z0 | zstd -1" "$OUT/c_zstd1.dump.zst" 1
  CAND_RUN=one_zstd_restore candidate "restore: zstd -d + pg_restore -j2 (-Z0|zstd -1)"
  rm -f "$ZSTD_KEEP"
else
  say "(zstd is not installed: no zstd candidates)"
fi
section_noise "(b) candidates"
while IFS=$'\t' read -r label wall size; do
  say "$(printf '%-48s %7s s %9s MiB' "$label" "$(secs "$wall")" "$(mib "$size")")"
done <"$CAND_TSV"
say "$(printf '%-22s %7s s %9s MiB  (reference, median of %s)' "pg_dump -Fc (gzip 6)" "$(secs "$M_FC")" "$(mib "$S_FC")" "$REPS")"
say "$(printf '%-22s %7s s %9s MiB  (reference, median of %s)' "tusk --preset fast" "$(secs "$M_FAST_TUSK")" "$(mib "$S_FAST_TUSK")" "$REPS")"

# ---------------------------------------------------------------- (c) progress
section "(c) progress accuracy: reported % at 25/50/75 % of the job's duration (median rep)"
GAPS_ALL=()
progress_figures() { # LABEL TAG-PREFIX WALLS-ARRAY DURS-ARRAY
  local label=$1 prefix=$2
  local -n walls=$3 durs=$4
  local i tag trace
  i=$(median_index "${walls[@]}")
  tag=${prefix}_$((i + 1))
  trace=$WORK/trace_$tag.jsonl
  if [ ! -s "$trace" ]; then
    say "$label: trace unavailable (no TUSK_PROGRESS_TRACE output)"
    row "(c) progress" "$label: gap at 25/50/75 %" "trace unavailable" "<= 10 points" "n/a"
    return
  fi
  local g
  g=$(h gaps "$trace" "${durs[$i]}")
  local at max events eps
  at=$(jq -r '[.at[] | "\(.reported)"] | join(" / ")' <<<"$g")
  max=$(jq -r .maxGap <<<"$g")
  events=$(jq -r .events <<<"$g")
  eps=$(jq -r .eventsPerSecond <<<"$g")
  say "$label (rep $((i + 1)), $(secs "${durs[$i]}") s, $events events, $eps/s): reported $at % at 25 / 50 / 75 % -> gaps $(jq -r '[.at[] | "\(.gap)"] | join(" / ")' <<<"$g"), max $max"
  row "(c) progress" "$label: reported % at 25/50/75 %" "$at" "" ""
  row "(c) progress" "$label: max gap" "$max points" "<= 10 points" "$(verdict "$max<=10")"
  GAPS_ALL+=("$max")
}
progress_figures "backup --preset fast" fast W_FAST_TUSK D_FAST
progress_figures "backup -F custom -Z 6" custom W_CUSTOM_TUSK D_CUSTOM
progress_figures "restore -j 2 (fast backup)" restore W_RS_TUSK D_RS
if [ ${#GAPS_ALL[@]} -gt 0 ]; then
  MAX_GAP=$(printf '%s\n' "${GAPS_ALL[@]}" | sort -g | tail -n1)
  say "max gap over the ${#GAPS_ALL[@]} jobs: $MAX_GAP points"
  row "(c) progress" "max gap over the ${#GAPS_ALL[@]} jobs" "$MAX_GAP points" "<= 10 points" "$(verdict "$MAX_GAP<=10")"
fi

# ---------------------------------------------------------------- (d) memory
section "(d) peak memory: tusk backup -F custom of $SMALL_TABLES small tables"
t0=$(date +%s%N)
q postgres -c "CREATE DATABASE many"
chunk=250
for lo in $(seq 1 $chunk "$SMALL_TABLES"); do
  hi=$((lo + chunk - 1))
  [ $hi -gt "$SMALL_TABLES" ] && hi=$SMALL_TABLES
  q many <<SQL
DO \$\$
BEGIN
  FOR i IN $lo..$hi LOOP
    EXECUTE format('CREATE TABLE small_%s (id int PRIMARY KEY, created timestamptz NOT NULL DEFAULT now(), note text)', lpad(i::text, 4, '0'));
    EXECUTE format('INSERT INTO small_%s (id, note) SELECT g, md5(g::text) FROM generate_series(1, 10) g', lpad(i::text, 4, '0'));
  END LOOP;
END
\$\$;
SQL
done
q many -c "VACUUM ANALYZE" >/dev/null
say "created $SMALL_TABLES tables in $(secs $((($(date +%s%N) - t0) / 1000000))) s"

wait_idle
MANY_OUT=$OUT/many_tusk.dump
rm -f "$WORK/trace_many.jsonl" "$MANY_OUT"
"$TUSK" backup "${CONN[@]}" -d many -o "$MANY_OUT" -F custom --dry-run --json >"$WORK/dry_many.json"
direct_argv DIRECT_MANY "$(jq -r .command "$WORK/dry_many.json")" --after -f "$OUT/many_direct.dump"
TUSK_PROGRESS_TRACE=$WORK/trace_many.jsonl /usr/bin/time -v -o "$WORK/time_many.txt" \
  "$TUSK" backup "${CONN[@]}" -d many -o "$MANY_OUT" -F custom --json >"$WORK/outcome_many.json" 2>"$WORK/tusk_many.err" &
time_pid=$!
# tusk's own high-water mark (VmHWM), sampled; /usr/bin/time's figure may include pg_dump
hwm_kb=0
tusk_pid=""
while kill -0 "$time_pid" 2>/dev/null; do
  [ -n "$tusk_pid" ] || tusk_pid=$(pgrep -P "$time_pid" 2>/dev/null | head -n1 || true)
  if [ -n "$tusk_pid" ]; then
    v=$(awk '/^VmHWM:/{print $2}' "/proc/$tusk_pid/status" 2>/dev/null || true)
    [ -n "$v" ] && [ "$v" -gt "$hwm_kb" ] && hwm_kb=$v
  fi
  sleep 0.05
done
wait "$time_pid" || { cat "$WORK/tusk_many.err" "$WORK/outcome_many.json"; die "tusk backup of \"many\" failed"; }
[ "$(jq -r .status "$WORK/outcome_many.json")" = completed ] || die "tusk backup of \"many\" did not complete"
RSS_TUSK_KB=$(awk -F': ' '/Maximum resident set size/{print $2}' "$WORK/time_many.txt")
D_MANY=$(jq -r .durationMs "$WORK/outcome_many.json")
/usr/bin/time -v -o "$WORK/time_many_direct.txt" "${DIRECT_MANY[@]}" >/dev/null 2>"$WORK/many_direct.err"
RSS_PGDUMP_KB=$(awk -F': ' '/Maximum resident set size/{print $2}' "$WORK/time_many_direct.txt")
rm -f "$MANY_OUT" "$OUT/many_direct.dump"
RSS_MB=$(h calc "$RSS_TUSK_KB/1024" .1f)
HWM_MB=$(h calc "$hwm_kb/1024" .1f)
PGD_MB=$(h calc "$RSS_PGDUMP_KB/1024" .1f)
say "/usr/bin/time -v: maximum resident set size $RSS_MB MiB (tusk; the kernel's figure is the max over tusk and its reaped pg_dump)"
say "tusk process alone (VmHWM, sampled): $HWM_MB MiB; pg_dump alone (same command, directly): $PGD_MB MiB"
row "(d) memory" "tusk backup, $SMALL_TABLES tables: max RSS (/usr/bin/time -v)" "$RSS_MB MiB" "" ""
row "(d) memory" "  tusk process alone (VmHWM) / pg_dump alone" "$HWM_MB / $PGD_MB MiB" "" ""
if [ -s "$WORK/trace_many.jsonl" ]; then
  g=$(h gaps "$WORK/trace_many.jsonl" "$D_MANY")
  EV=$(jq -r .events <<<"$g")
  EPS=$(jq -r .eventsPerSecond <<<"$g")
  say "progress events: $EV in $(secs "$D_MANY") s = $EPS events/s"
  row "(d) memory" "progress events / elapsed" "$EV in $(secs "$D_MANY") s = $EPS/s" "<= ~20/s" "$(verdict "$EPS<=20")"
else
  say "progress events: trace unavailable"
  row "(d) memory" "progress events / elapsed" "trace unavailable" "<= ~20/s" "n/a"
fi

fi

# ---------------------------------------------------------------- (e) offsite, (f) versions
if [ "$ONLY_VERSIONS" = 1 ]; then
  . "$BENCH_DIR/versions.sh"
else
  . "$BENCH_DIR/offsite.sh"
fi

# ---------------------------------------------------------------- figures
[ "$ONLY_OFFSITE" = 1 ] || {
  row "(a) overhead" "backup -F custom -Z 6: tusk / pg_dump" "$R_CUSTOM ($(secs "$M_CUSTOM_TUSK") / $(secs "$M_CUSTOM_DIRECT") s)" "<= 1.03" "$(verdict "$R_CUSTOM<=1.03")"
  row "(a) overhead" "backup --preset fast: tusk / pg_dump" "$R_FAST ($(secs "$M_FAST_TUSK") / $(secs "$M_FAST_DIRECT") s)" "<= 1.03" "$(verdict "$R_FAST<=1.03")"
  row "(a) overhead" "restore -j 2: tusk / createdb+pg_restore" "$R_RS ($(secs "$M_RS_TUSK") / $(secs "$M_RS_DIRECT") s)" "<= 1.03" "$(verdict "$R_RS<=1.03")"
  row "(a) overhead" "  of which outside the jobs (start-up, pre-flight, SHA-256, history): custom / fast / restore" "$(secs "$(outside W_CUSTOM_TUSK D_CUSTOM)") / $(secs "$(outside W_FAST_TUSK D_FAST)") / $(secs "$(outside W_RS_TUSK D_RS)") s" "" ""
  row "(b) preset" "fast preset speed-up vs pg_dump -Fc" "${SPEEDUP}x ($(secs "$M_FC") / $(secs "$M_FAST_TUSK") s)" ">= 3x" "$(verdict "$SPEEDUP>=3")"
  row "(b) preset" "fast preset size / pg_dump -Fc size" "$SIZE_RATIO ($(mib "$S_FAST_TUSK") / $(mib "$S_FC") MiB)" "<= 1.1" "$(verdict "$SIZE_RATIO<=1.1")"
  row "(b) preset" "restore -j2: fast backup (zstd -d + pg_restore) / -Fc file (pg_restore)" "$R_RS_FC ($(secs "$M_RS_DIRECT") / $(secs "$M_RS_FC") s)" "<= 1.0" "$(verdict "$R_RS_FC<=1.0")"
  while IFS=$'\t' read -r label wall size; do
    if [ "$size" -gt 0 ]; then
      row "(b) candidates" "$label" "$(secs "$wall") s, $(mib "$size") MiB" "" ""
    else
      row "(b) candidates" "$label" "$(secs "$wall") s" "" ""
    fi
  done <"$CAND_TSV"
  row "(b) candidates" "pg_dump -Fc (gzip 6, pgAdmin)" "$(secs "$M_FC") s, $(mib "$S_FC") MiB" "" ""
  row "(b) candidates" "tusk --preset fast" "$(secs "$M_FAST_TUSK") s, $(mib "$S_FAST_TUSK") MiB" "" ""
}
# order: setup, (a), (b), (c), (d)
awk -F'\t' '{k=$1; o=(k=="setup")?0:(k~/^\(a\)/)?1:(k=="(b) preset")?2:(k~/^\(b\) cand/)?3:(k~/^\(c\)/)?4:(k~/^\(d\)/)?5:6; print o"\t"$0}' "$ROWS_TSV" |
  sort -s -t$'\t' -k1,1n | cut -f2- >"$ROWS_TSV.sorted"

TOTAL_MS=$((($(date +%s%N) - SCRIPT_T0) / 1000000))
section "Figures ($MODE run, $(date '+%Y-%m-%d %H:%M'), whole script $(secs "$TOTAL_MS") s)"
h table "$ROWS_TSV.sorted"

[ -f "$BENCH_DIR/results.md" ] || printf '# Tusk Backup benchmark results\n\nAppended by `bench/run.sh` (one section per run); see `bench/README.md` for what each figure means.\n' >"$BENCH_DIR/results.md"
{
  echo
  echo "## $(date '+%Y-%m-%d %H:%M:%S %Z') — $MODE run"
  echo
  echo "$TUSK_VERSION; $("$PGBIN/pg_dump" --version); $(nproc) cores; $ROWS rows x 2 tables ($DB_PRETTY), $SMALL_TABLES small tables; medians of $REPS alternating reps; CPU ${BUSY_BEFORE}% busy before the run; whole script $(secs "$TOTAL_MS") s."
  echo
  echo "- tusk -F custom -Z 6 runs: \`$CMD_CUSTOM\`"
  echo "- tusk --preset fast runs: \`$CMD_FAST\`"
  echo "- tusk restore -j 2 runs: \`${CMD_RESTORE:-(not run)}\`"
  echo
  h table "$ROWS_TSV.sorted" --md
} >>"$BENCH_DIR/results.md"
say "appended to bench/results.md"
