# (e) offsite: sourced by bench/run.sh after its setup (it uses run.sh's
# helpers: section, say, row, measure, run_tusk, settle, q, dropdb_, …).
# A one-node Garage on loopback; the fast preset, side by side, in
# alternating reps: to a local file, streamed to the bucket, and encrypted
# (age, to a public key) to a local file and to the bucket; then restores from the local file
# and from the bucket; and the tusk process's peak memory while it streams.

section "(e) offsite: a local Garage, the fast preset ($REPS alternating reps)"
command -v age-keygen >/dev/null || {
  say "installing: age"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends age >/dev/null
}
GARAGE_BIN=${TUSK_GARAGE:-$(bash "$REPO/scripts/garage.sh")}
G=$WORK/garage
mkdir -p "$G"
G_S3=$((PORT + 100)) G_RPC=$((PORT + 101)) G_ADMIN=$((PORT + 102))
cat >"$G/garage.toml" <<TOML
metadata_dir = "$G/meta"
data_dir = "$G/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:$G_RPC"
rpc_public_addr = "127.0.0.1:$G_RPC"
rpc_secret = "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$G_S3"
root_domain = ".s3.garage.localhost"
[admin]
api_bind_addr = "127.0.0.1:$G_ADMIN"
admin_token = "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
TOML
garage() { "$GARAGE_BIN" -c "$G/garage.toml" "$@"; }
RUST_LOG=garage=warn "$GARAGE_BIN" -c "$G/garage.toml" server >"$G/server.log" 2>&1 &
GARAGE_PID=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$G_S3") 2>/dev/null && break
  sleep 0.1
done
garage layout assign -z dc1 -c 10G "$(garage node id -q | cut -d@ -f1)" >/dev/null
garage layout apply --version 1 >/dev/null
garage bucket create bench >/dev/null
KEY_INFO=$(garage key create bench)
G_KEY=$(awk -F': *' '/Key ID:/{print $2}' <<<"$KEY_INFO")
G_SECRET=$(awk -F': *' '/Secret key:/{print $2}' <<<"$KEY_INFO")
garage bucket allow --read --write --owner bench --key bench >/dev/null
export TUSK_CONFIG=$WORK/tusk.toml
cat >"$TUSK_CONFIG" <<TOML
[destinations.bench]
endpoint = "http://127.0.0.1:$G_S3"
region = "garage"
bucket = "bench"
access_key_id = "$G_KEY"
secret_access_key = "$G_SECRET"
TOML
chmod 600 "$TUSK_CONFIG"
"$TUSK" destination test bench >/dev/null 2>&1 || die "the bench bucket does not work: $("$TUSK" destination test bench 2>&1)"
age-keygen -o "$WORK/age.key" 2>/dev/null
AGE_PUB=$(age-keygen -y "$WORK/age.key")
say "garage $("$GARAGE_BIN" --version 2>/dev/null | head -n1) at 127.0.0.1:$G_S3 (pid $GARAGE_PID)"

OFF_LOCAL=$OUT/off_local.backup.zst
OFF_SEALED=$OUT/off_sealed.backup.zst.age
one_offsite() { # WHO REP
  case $1 in
    local)
      rm -f "$OFF_LOCAL"
      run_tusk "off_local_$2" backup "${CONN[@]}" -d bench -o "$OFF_LOCAL" --preset fast
      SIZE=$(size_of "$OFF_LOCAL") # kept for the restores
      ;;
    bucket)
      run_tusk "off_bucket_$2" backup "${CONN[@]}" -d bench --dest bench --preset fast
      OFF_AT=$(jq -r .location "$WORK/outcome_off_bucket_$2.json")
      SIZE=$(jq -r .sizeBytes "$WORK/outcome_off_bucket_$2.json")
      ;;
    sealed_bucket)
      run_tusk "off_sealed_bucket_$2" backup "${CONN[@]}" -d bench --dest bench --preset fast --recipient "$AGE_PUB"
      SIZE=$(jq -r .sizeBytes "$WORK/outcome_off_sealed_bucket_$2.json")
      ;;
    sealed)
      rm -f "$OFF_SEALED"
      run_tusk "off_sealed_$2" backup "${CONN[@]}" -d bench -o "$OFF_SEALED" --preset fast --recipient "$AGE_PUB"
      SIZE=$(size_of "$OFF_SEALED")
      rm -f "$OFF_SEALED"
      ;;
  esac
}
W_OFF_LOCAL=() W_OFF_BUCKET=() W_OFF_SEALED=() W_OFF_SEALED_BUCKET=()
for r in $(seq 1 "$REPS"); do
  order=(local bucket sealed sealed_bucket)
  [ $((r % 2)) -eq 0 ] && order=(sealed_bucket sealed bucket local)
  for who in "${order[@]}"; do
    measure "rep $r $who" one_offsite "$who" "$r"
    case $who in
      local) W_OFF_LOCAL+=("$WALL") S_OFF_LOCAL=$SIZE ;;
      bucket) W_OFF_BUCKET+=("$WALL") S_OFF_BUCKET=$SIZE ;;
      sealed) W_OFF_SEALED+=("$WALL") S_OFF_SEALED=$SIZE ;;
      sealed_bucket) W_OFF_SEALED_BUCKET+=("$WALL") ;;
    esac
  done
done
M_OFF_LOCAL=$(median "${W_OFF_LOCAL[@]}")
M_OFF_BUCKET=$(median "${W_OFF_BUCKET[@]}")
M_OFF_SEALED=$(median "${W_OFF_SEALED[@]}")
R_OFF_BUCKET=$(h calc "$M_OFF_BUCKET/$M_OFF_LOCAL")
R_OFF_SEALED=$(h calc "$M_OFF_SEALED/$M_OFF_LOCAL")
M_OFF_SEALED_BUCKET=$(median "${W_OFF_SEALED_BUCKET[@]}")
R_OFF_SEALED_BUCKET=$(h calc "$M_OFF_SEALED_BUCKET/$M_OFF_BUCKET")
say "median: to a file $(secs "$M_OFF_LOCAL") s, to the bucket $(secs "$M_OFF_BUCKET") s -> ratio $R_OFF_BUCKET; encrypted $(secs "$M_OFF_SEALED") s -> ratio $R_OFF_SEALED (sizes $(mib "$S_OFF_LOCAL") / $(mib "$S_OFF_BUCKET") / $(mib "$S_OFF_SEALED") MiB)"
section_noise "(e) offsite backups"

one_offsite_restore() { # WHO REP JOBS
  local db=off_restore_${1}_$2 rows_back from parallel=()
  dropdb_ "$db"
  settle
  from=$OFF_LOCAL
  [ "$1" = bucket ] && from=$OFF_AT
  # -j 2 reads a file (from the bucket: downloaded first); one job in one
  # transaction reads the bucket's object as it downloads.
  [ "$3" -gt 1 ] && parallel=(-j "$3" --no-single-transaction)
  run_tusk "off_restore_$1_$2_j$3" restore "$from" "${CONN[@]}" --target-db "$db" --create-db "${parallel[@]}"
  rows_back=$(q "$db" -c "SELECT (SELECT count(*) FROM ledger_a) + (SELECT count(*) FROM ledger_b)")
  [ "$rows_back" = $((2 * ROWS)) ] || die "restore from $1 rep $2 brought back $rows_back rows, not $((2 * ROWS))"
  dropdb_ "$db"
}
W_OFF_RS_LOCAL=() W_OFF_RS_BUCKET=() W_OFF_ST_LOCAL=() W_OFF_ST_BUCKET=()
for r in $(seq 1 "$REPS"); do
  order=(local bucket)
  [ $((r % 2)) -eq 0 ] && order=(bucket local)
  for jobs in 2 1; do
    for who in "${order[@]}"; do
      measure "restore -j $jobs rep $r $who" one_offsite_restore "$who" "$r" "$jobs"
      case $who/$jobs in
        local/2) W_OFF_RS_LOCAL+=("$WALL") ;;
        bucket/2) W_OFF_RS_BUCKET+=("$WALL") ;;
        local/1) W_OFF_ST_LOCAL+=("$WALL") ;;
        bucket/1) W_OFF_ST_BUCKET+=("$WALL") ;;
      esac
    done
  done
done
M_OFF_RS_LOCAL=$(median "${W_OFF_RS_LOCAL[@]}")
M_OFF_RS_BUCKET=$(median "${W_OFF_RS_BUCKET[@]}")
R_OFF_RS=$(h calc "$M_OFF_RS_BUCKET/$M_OFF_RS_LOCAL")
M_OFF_ST_LOCAL=$(median "${W_OFF_ST_LOCAL[@]}")
M_OFF_ST_BUCKET=$(median "${W_OFF_ST_BUCKET[@]}")
R_OFF_ST=$(h calc "$M_OFF_ST_BUCKET/$M_OFF_ST_LOCAL")
# Streamed, pg_restore's command reads stdin behind the download.
jq -r .command "$WORK/outcome_off_restore_bucket_1_j1.json" | grep -q '^(download ' \
  || die "the one-job restore from the bucket did not stream: $(jq -r .command "$WORK/outcome_off_restore_bucket_1_j1.json")"
say "median: restore -j 2 from the file $(secs "$M_OFF_RS_LOCAL") s, from the bucket (downloaded first) $(secs "$M_OFF_RS_BUCKET") s -> ratio $R_OFF_RS"
say "median: restore, one job, from the file $(secs "$M_OFF_ST_LOCAL") s, streamed from the bucket $(secs "$M_OFF_ST_BUCKET") s -> ratio $R_OFF_ST"
section_noise "(e) offsite restores"

# peak_hwm OUT ERR CMD... : runs CMD, sampling its VmHWM (KiB) into HWM_KB
peak_hwm() {
  local out=$1 err=$2 pid v
  shift 2
  "$@" >"$out" 2>"$err" &
  pid=$!
  HWM_KB=0
  while kill -0 "$pid" 2>/dev/null; do
    v=$(awk '/^VmHWM:/{print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$v" ] && [ "$v" -gt "$HWM_KB" ] && HWM_KB=$v
    sleep 0.05
  done
  wait "$pid" || { cat "$err"; die "$* failed"; }
}
wait_idle
peak_hwm "$WORK/outcome_off_mem.json" "$WORK/off_mem.err" "$TUSK" backup "${CONN[@]}" -d bench --dest bench --preset fast --json
HWM_BUCKET_MB=$(h calc "$HWM_KB/1024" .1f)
peak_hwm "$WORK/outcome_off_mem_local.json" "$WORK/off_mem_local.err" "$TUSK" backup "${CONN[@]}" -d bench -o "$OUT/off_mem.backup.zst" --preset fast --json
rm -f "$OUT/off_mem.backup.zst"
HWM_LOCAL_MB=$(h calc "$HWM_KB/1024" .1f)
say "tusk's peak memory (VmHWM): streaming $(mib "$S_OFF_BUCKET") MiB to the bucket $HWM_BUCKET_MB MiB; to a local file $HWM_LOCAL_MB MiB"
kill "$GARAGE_PID" 2>/dev/null || true

row "(e) offsite" "backup --preset fast: to the bucket / to a file" "$R_OFF_BUCKET ($(secs "$M_OFF_BUCKET") / $(secs "$M_OFF_LOCAL") s)" "<= 1.15" "$(verdict "$R_OFF_BUCKET<=1.15")"
row "(e) offsite" "restore -j 2: from the bucket (downloaded first) / from the file" "$R_OFF_RS ($(secs "$M_OFF_RS_BUCKET") / $(secs "$M_OFF_RS_LOCAL") s)" "<= 1.15" "$(verdict "$R_OFF_RS<=1.15")"
row "(e) offsite" "restore, one job: streamed from the bucket / from the file" "$R_OFF_ST ($(secs "$M_OFF_ST_BUCKET") / $(secs "$M_OFF_ST_LOCAL") s)" "<= 1.15" "$(verdict "$R_OFF_ST<=1.15")"
row "(e) offsite" "backup --preset fast to the bucket: encrypted (age -r) / not" "$R_OFF_SEALED_BUCKET ($(secs "$M_OFF_SEALED_BUCKET") / $(secs "$M_OFF_BUCKET") s)" "<= 1.05" "$(verdict "$R_OFF_SEALED_BUCKET<=1.05")"
row "(e) offsite" "  to a file: encrypted (not read back: age's tags) / not (read back)" "$R_OFF_SEALED ($(secs "$M_OFF_SEALED") / $(secs "$M_OFF_LOCAL") s)" "" ""
row "(e) offsite" "tusk's peak memory streaming $(mib "$S_OFF_BUCKET") MiB to the bucket / to a file" "$HWM_BUCKET_MB / $HWM_LOCAL_MB MiB" "flat (<< the backup)" "$(verdict "$HWM_BUCKET_MB<=128")"
