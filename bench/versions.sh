# (f) versions: sourced by bench/run.sh --versions after its setup, with the
# throwaway server and every tool from PostgreSQL 18 (scripts/postgres-versions.sh):
# the fast preset (pg_dump -Z0, zstd -1 by Tusk in its own thread) against
# pg_dump 16+'s own compression (--compress=zstd:1, lz4:1) and pgAdmin's
# gzip 6, side by side in alternating reps: backup wall and size, then
# restores with -j 2 (the fast backup is unpacked first; pg_dump's own
# zstd and lz4 are read by pg_restore as they are).

section "(f) versions: pg_dump $("$PGBIN/pg_dump" --version | awk '{print $3}')'s own zstd and lz4 against the fast preset ($REPS alternating reps)"
V_FAST=$OUT/v_fast.backup.zst V_PGZSTD=$OUT/v_pgzstd.backup V_LZ4=$OUT/v_lz4.backup V_GZIP=$OUT/v_gzip.backup
one_version() { # WHO REP
  case $1 in
    fast) rm -f "$V_FAST"; run_tusk "v_fast_$2" backup "${CONN[@]}" -d bench --no-catalog --pg-bin "$PGBIN" -o "$V_FAST" --preset fast; SIZE=$(size_of "$V_FAST") ;;
    pgzstd) rm -f "$V_PGZSTD"; run_tusk "v_pgzstd_$2" backup "${CONN[@]}" -d bench --no-catalog --pg-bin "$PGBIN" -o "$V_PGZSTD" --compress-with pg-zstd -Z 1; SIZE=$(size_of "$V_PGZSTD") ;;
    lz4) rm -f "$V_LZ4"; run_tusk "v_lz4_$2" backup "${CONN[@]}" -d bench --no-catalog --pg-bin "$PGBIN" -o "$V_LZ4" --compress-with lz4 -Z 1; SIZE=$(size_of "$V_LZ4") ;;
    gzip) rm -f "$V_GZIP"; run_tusk "v_gzip_$2" backup "${CONN[@]}" -d bench --no-catalog --pg-bin "$PGBIN" -o "$V_GZIP" -F custom -Z 6; SIZE=$(size_of "$V_GZIP") ;;
  esac
}
W_V_FAST=() W_V_PGZSTD=() W_V_LZ4=() W_V_GZIP=()
for r in $(seq 1 "$REPS"); do
  order=(fast pgzstd lz4 gzip)
  [ $((r % 2)) -eq 0 ] && order=(gzip lz4 pgzstd fast)
  for who in "${order[@]}"; do
    measure "rep $r backup $who" one_version "$who" "$r"
    case $who in
      fast) W_V_FAST+=("$WALL") S_V_FAST=$SIZE ;;
      pgzstd) W_V_PGZSTD+=("$WALL") S_V_PGZSTD=$SIZE ;;
      lz4) W_V_LZ4+=("$WALL") S_V_LZ4=$SIZE ;;
      gzip) W_V_GZIP+=("$WALL") S_V_GZIP=$SIZE ;;
    esac
  done
done
M_V_FAST=$(median "${W_V_FAST[@]}") M_V_PGZSTD=$(median "${W_V_PGZSTD[@]}")
M_V_LZ4=$(median "${W_V_LZ4[@]}") M_V_GZIP=$(median "${W_V_GZIP[@]}")
section_noise "(f) backups"

one_version_restore() { # WHO REP
  local db="v_restored_$1_$2" file
  case $1 in fast) file=$V_FAST ;; pgzstd) file=$V_PGZSTD ;; lz4) file=$V_LZ4 ;; esac
  dropdb_ "$db"
  run_tusk "v_rs_$1_$2" restore "$file" "${CONN[@]}" --no-catalog --pg-bin "$PGBIN" --target-db "$db" --create-db -j 2 --no-single-transaction
  dropdb_ "$db"
}
W_VR_FAST=() W_VR_PGZSTD=() W_VR_LZ4=()
for r in $(seq 1 "$REPS"); do
  order=(fast pgzstd lz4)
  [ $((r % 2)) -eq 0 ] && order=(lz4 pgzstd fast)
  for who in "${order[@]}"; do
    measure "rep $r restore -j 2 $who" one_version_restore "$who" "$r"
    case $who in
      fast) W_VR_FAST+=("$WALL") ;;
      pgzstd) W_VR_PGZSTD+=("$WALL") ;;
      lz4) W_VR_LZ4+=("$WALL") ;;
    esac
  done
done
M_VR_FAST=$(median "${W_VR_FAST[@]}") M_VR_PGZSTD=$(median "${W_VR_PGZSTD[@]}") M_VR_LZ4=$(median "${W_VR_LZ4[@]}")
section_noise "(f) restores"

R_V_BACKUP=$(h calc "$M_V_PGZSTD/$M_V_FAST")
R_V_SIZE=$(h calc "$S_V_PGZSTD/$S_V_FAST")
R_V_RESTORE=$(h calc "$M_VR_PGZSTD/$M_VR_FAST")
R_V_TOTAL=$(h calc "($M_V_PGZSTD+$M_VR_PGZSTD)/($M_V_FAST+$M_VR_FAST)")
row "(f) versions" "backup: pg_dump's zstd:1 / fast preset" "$R_V_BACKUP ($(secs "$M_V_PGZSTD") / $(secs "$M_V_FAST") s)" "" ""
row "(f) versions" "size: pg_dump's zstd:1 / fast preset" "$R_V_SIZE ($(mib "$S_V_PGZSTD") / $(mib "$S_V_FAST") MiB)" "" ""
row "(f) versions" "restore -j 2: pg_dump's zstd:1 / fast preset" "$R_V_RESTORE ($(secs "$M_VR_PGZSTD") / $(secs "$M_VR_FAST") s)" "" ""
row "(f) versions" "backup + restore: pg_dump's zstd:1 / fast preset" "$R_V_TOTAL" "" ""
row "(f) versions" "lz4:1 backup, size, restore -j 2" "$(secs "$M_V_LZ4") s, $(mib "$S_V_LZ4") MiB, $(secs "$M_VR_LZ4") s" "" ""
row "(f) versions" "gzip 6 (pgAdmin) backup, size" "$(secs "$M_V_GZIP") s, $(mib "$S_V_GZIP") MiB" "" ""
