#!/usr/bin/env bash
# Speed of `unjam clean` on real text (issue #11): the dev corpora's clean texts repeated to
# MB megabytes, X junk drawn afresh at a third of the line breaks (bench/gen_real.py). Next to
# the perl one-liner of the issue, measured in the same run: unjam with default options on one
# thread, with -j 2, and with --keep-seo (no SEO analysis). Best wall time of REPEAT runs; peak
# RSS from /usr/bin/time. Figures are ratios to perl (higher is faster) and -j 2 to -j 1.
#
# Usage: bench/clean_real_bench.sh [MB]   (default 100; needs ../shared, or SHARED=path)
# Env: REPEAT (default 3), OUT (default bench/out), UNJAM (default target/release/unjam)
set -euo pipefail
cd "$(dirname "$0")/.."

MB=${1:-100}
REPEAT=${REPEAT:-3}
OUT=${OUT:-bench/out}
UNJAM=${UNJAM:-target/release/unjam}
SHARED=${SHARED:-../shared}
mkdir -p "$OUT"
CORPUS="$OUT/real-${MB}mb.txt"

[ -x "$UNJAM" ] || cargo build --release --quiet
[ -f "$CORPUS" ] || python3 bench/gen_real.py "$CORPUS" --shared "$SHARED" --mb "$MB"
BYTES=$(stat -c %s "$CORPUS")

# shellcheck source=bench/timing.sh
. bench/timing.sh

declare -A T R
run() { local name=$1; shift; read -r T[$name] R[$name] < <(best_of "$@"); }
run perl perl -pe 's/^(?:[ -;] [?-~]){5,}//; s/(?:[ -;] [?-~]){5,}$//' "$CORPUS"
run unjam "$UNJAM" clean "$CORPUS"
run unjam_j2 "$UNJAM" clean -j 2 "$CORPUS"
run keep_seo "$UNJAM" clean --keep-seo "$CORPUS"

echo "corpus: $CORPUS ($BYTES bytes), best of $REPEAT, $(nproc) CPUs"
printf "%-16s %9s %9s %12s %10s\n" command seconds MB/s "peak RSS MB" "x perl"
for k in perl unjam unjam_j2 keep_seo; do
  printf "%-16s %9s %9s %12s %10s\n" "$k" "${T[$k]}" "$(awk "BEGIN{printf \"%.0f\", $BYTES/1e6/${T[$k]}}")" \
    "$(awk "BEGIN{printf \"%.1f\", ${R[$k]}/1024}")" "$(awk "BEGIN{printf \"%.2f\", ${T[perl]}/${T[$k]}}")"
done
echo "-j 2 vs -j 1: $(awk "BEGIN{printf \"%.2f\", ${T[unjam]}/${T[unjam_j2]}}")x (target 1.7x); target vs perl: 8x"
