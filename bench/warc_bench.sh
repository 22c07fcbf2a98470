#!/usr/bin/env bash
# Speed of `unjam extract --warc` and `unjam clean --wet` on Common Crawl-like files, against
# decompression alone, all in the same run:
#   1. zcat WARC > /dev/null          vs  unjam extract --warc WARC -f jsonl > /dev/null
#   2. zcat WET  > /dev/null          vs  unjam clean --wet WET > /dev/null
#   3. the WARC split into PARTS files: one direct unjam process over all of them vs
#      contrib/spark/unjam_spark.py in Spark local[2] (one task per file): the overhead of Spark.
# Best wall time of REPEAT runs (Spark: SPARK_REPEAT runs, default 1); peak RSS from /usr/bin/time.
# MB/s are counted on the compressed file and on its uncompressed size; records/s on all WARC
# records (warcinfo, request, response, metadata; conversion records for the WET); "x zcat" is
# zcat's time over unjam's (1.00 = as fast as decompression alone; the target for extract is 0.70).
#
# The input (cached in OUT, named by size, seed and make_warc.py's hash) is made by
# tools/warc/make_warc.py: filler pages as Common Crawl stores them (about 3.5x gzip ratio) up to MB
# megabytes uncompressed, with Discuz thread pages at DISCUZ_SHARE of the captures (the thread
# pages of ../shared/discuz-pages/x35-*, else fixtures/extract), and the matching WET.
#
# Usage: bench/warc_bench.sh [MB]   (default 1024; CI can run a small one, e.g. 64)
# Env: REPEAT (3), OUT (bench/out), UNJAM (target/release/unjam), SHARED (../shared), SEED (11),
#      DISCUZ_SHARE (0.01), TRAP_SHARE (0.15: filler HTML pages with a trap: the word Discuz, a link
#      to a viewthread URL, a display:none span), PARTS (4), SPARK (1; 0 skips part 3), SPARK_REPEAT (1)
set -euo pipefail
cd "$(dirname "$0")/.."

MB=${1:-1024}
REPEAT=${REPEAT:-3}
OUT=${OUT:-bench/out}
UNJAM=${UNJAM:-target/release/unjam}
SHARED=${SHARED:-../shared}
SEED=${SEED:-11}
DISCUZ_SHARE=${DISCUZ_SHARE:-0.01}
TRAP_SHARE=${TRAP_SHARE:-0.15}
PARTS=${PARTS:-4}
SPARK=${SPARK:-1}
SPARK_REPEAT=${SPARK_REPEAT:-1}
mkdir -p "$OUT"

[ -x "$UNJAM" ] || { echo "warc_bench: no $UNJAM (cargo build --release first)" >&2; exit 2; }
"$UNJAM" extract --help | grep -q -- --warc || { echo "warc_bench: $UNJAM has no extract --warc" >&2; exit 2; }
HAS_WET=1
"$UNJAM" clean --help | grep -q -- --wet || { HAS_WET=0; echo "warc_bench: $UNJAM has no clean --wet: WET part skipped" >&2; }

GEN=$(sha1sum tools/warc/make_warc.py | cut -c1-8)
BASE="$OUT/cc-${MB}mb-s${SEED}-t${TRAP_SHARE}-${GEN}"
WARC="$BASE.warc.gz"
WET="$BASE.warc.wet.gz"
EXP="$BASE.json"
if [ -d "$SHARED/discuz-pages/x35-gbk" ]; then
  PAGES=(--pages "$SHARED/discuz-pages/x35-gbk" --pages "$SHARED/discuz-pages/x35-utf8" --only-threads)
else
  PAGES=(--pages fixtures/extract --url-map fixtures/warc/url-map.json)
fi
if [ ! -s "$WARC" ] || [ ! -s "$WET" ] || [ ! -s "$EXP" ]; then
  echo "generating $WARC and its WET ($MB MB uncompressed)..." >&2
  t0=$(date +%s)
  python3 tools/warc/make_warc.py "${PAGES[@]}" --size-mb "$MB" --discuz-share "$DISCUZ_SHARE" --trap-share "$TRAP_SHARE" \
    --seed "$SEED" --out "$WARC.tmp" --wet "$WET.tmp" --expect "$EXP.tmp"
  # the WARC-Filename in the warcinfo says *.tmp: harmless; rename when all three are complete
  mv "$WARC.tmp" "$WARC"; mv "$WET.tmp" "$WET"; mv "$EXP.tmp" "$EXP"
  echo "generated in $(( $(date +%s) - t0 )) s" >&2
fi

# sizes and record counts, from make_warc's summary (not from unjam)
read -r RAW RECORDS CAPTURES DISCUZ WETRECS < <(python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))
print(e["uncompressed_bytes"], e["records"], e["captures"], len(e["discuz"]), e["wet_records"])' "$EXP")
GZ=$(stat -c %s "$WARC")
WETGZ=$(stat -c %s "$WET")
WETRAW=$(zcat "$WET" | wc -c)

# shellcheck source=bench/timing.sh
. bench/timing.sh

declare -A T R
run() { local name=$1; shift; read -r T[$name] R[$name] < <(best_of "$@"); }
run zcat_warc zcat "$WARC"
run extract "$UNJAM" --no-config -q extract --warc "$WARC" -f jsonl
if [ "$HAS_WET" = 1 ]; then
  run zcat_wet zcat "$WET"
  run clean_wet "$UNJAM" --no-config -q clean --wet "$WET"
fi
POSTS=$("$UNJAM" --no-config -q extract --warc "$WARC" -f jsonl | wc -l)

SPARK_NOTE=""
if [ "$SPARK" = 1 ]; then
  if python3 -c 'import pyspark' 2>/dev/null && command -v java >/dev/null; then
    PART_DIR="$BASE.parts$PARTS"
    if [ ! -f "$PART_DIR/done" ]; then
      rm -rf "$PART_DIR"; mkdir -p "$PART_DIR"
      python3 bench/warc_split.py "$WARC" "$PARTS" "$PART_DIR/part" > "$PART_DIR/list"
      touch "$PART_DIR/done"
    fi
    mapfile -t PART_FILES < "$PART_DIR/list"
    run direct_parts "$UNJAM" --no-config -q extract --warc "${PART_FILES[@]}" -f jsonl
    REPEAT_SAVED=$REPEAT; REPEAT=$SPARK_REPEAT
    export SPARK_LOCAL_IP=127.0.0.1
    # Spark's own log goes to $OUT/spark.log
    run spark bash -c '"$@" 2>>"'"$OUT"'/spark.log"' _ python3 contrib/spark/unjam_spark.py files \
      --master 'local[2]' --unjam "$UNJAM" --out "$OUT/spark-out" --overwrite --list "$PART_DIR/list"
    REPEAT=$REPEAT_SAVED
  else
    SPARK_NOTE="(Spark part skipped: pyspark or java missing)"
  fi
fi

mb() { awk "BEGIN{printf \"%.0f\", $1/1e6/$2}"; }
echo "WARC: $WARC: $(awk "BEGIN{printf \"%.1f\", $GZ/1e6}") MB gzip, $(awk "BEGIN{printf \"%.1f\", $RAW/1e6}") MB uncompressed" \
     "($(awk "BEGIN{printf \"%.2f\", $RAW/$GZ}")x), $RECORDS records, $CAPTURES captures, $DISCUZ Discuz pages -> $POSTS posts"
echo "WET:  $WET: $(awk "BEGIN{printf \"%.1f\", $WETGZ/1e6}") MB gzip, $(awk "BEGIN{printf \"%.1f\", $WETRAW/1e6}") MB uncompressed, $WETRECS conversion records"
echo "best of $REPEAT, $(nproc) CPUs, $UNJAM"
printf "%-34s %8s %9s %10s %10s %8s %8s\n" command seconds "MB/s gz" "MB/s raw" records/s "RSS MB" "x zcat"
row() { # name label gzbytes rawbytes records zcat-key
  local k=$1
  printf "%-34s %8s %9s %10s %10s %8s %8s\n" "$2" "${T[$k]}" "$(mb "$3" "${T[$k]}")" "$(mb "$4" "${T[$k]}")" \
    "$(awk "BEGIN{printf \"%.0f\", $5/${T[$k]}}")" "$(awk "BEGIN{printf \"%.1f\", ${R[$k]}/1024}")" \
    "$( [ -n "$6" ] && awk "BEGIN{printf \"%.2f\", ${T[$6]}/${T[$k]}}" || echo -)"
}
row zcat_warc "zcat WARC" "$GZ" "$RAW" "$RECORDS" zcat_warc
row extract "unjam extract --warc -f jsonl" "$GZ" "$RAW" "$RECORDS" zcat_warc
if [ "$HAS_WET" = 1 ]; then
  row zcat_wet "zcat WET" "$WETGZ" "$WETRAW" "$((WETRECS + 1))" zcat_wet
  row clean_wet "unjam clean --wet" "$WETGZ" "$WETRAW" "$((WETRECS + 1))" zcat_wet
fi
if [ -n "${T[spark]:-}" ]; then
  row direct_parts "direct extract, $PARTS files, 1 proc" "$GZ" "$RAW" "$RECORDS" zcat_warc
  row spark "Spark local[2], $PARTS files" "$GZ" "$RAW" "$RECORDS" zcat_warc
  echo "Spark overhead: $(awk "BEGIN{printf \"%+.2f s (%.2fx the direct run)\", ${T[spark]}-${T[direct_parts]}, ${T[spark]}/${T[direct_parts]}}") (Spark's RSS column is the driver's python only)"
fi
[ -n "$SPARK_NOTE" ] && echo "$SPARK_NOTE"
echo "target: unjam extract --warc at >= 0.70 x zcat: $(awk "BEGIN{r=${T[zcat_warc]}/${T[extract]}; printf \"%.2f %s\", r, (r>=0.70?\"met\":\"NOT met\")}")"
