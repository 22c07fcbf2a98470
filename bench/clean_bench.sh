#!/usr/bin/env bash
# Throughput of `unjam clean` on a generated ~200 MB mostly-Chinese corpus, next to baselines
# measured in the same run: `cat`, a Python `re` one-pass filter and a `perl -pe` one-liner
# (both with the line-edge regex of ../shared/crates.md, which does less than unjam), plus
# unjam with -j 2. Each command runs REPEAT times; the best time counts. Peak RSS from
# /usr/bin/time. Figures are printed as MB/s and as ratios to the baselines.
#
# Usage: bench/clean_bench.sh [MB] [JAMMED]   (defaults: 200 MB, 1.0 = every post jammed)
# Env: REPEAT (default 3), OUT (default bench/out), UNJAM (default target/release/unjam)
set -euo pipefail
cd "$(dirname "$0")/.."

MB=${1:-200}
JAMMED=${2:-1.0}
REPEAT=${REPEAT:-3}
OUT=${OUT:-bench/out}
UNJAM=${UNJAM:-target/release/unjam}
mkdir -p "$OUT"
CORPUS="$OUT/corpus-${MB}mb-j${JAMMED}.txt"

[ -x "$UNJAM" ] || cargo build --release --quiet
[ -f "$CORPUS" ] || python3 bench/gen_corpus.py "$CORPUS" --mb "$MB" --jammed "$JAMMED"
BYTES=$(stat -c %s "$CORPUS")

# shellcheck source=bench/timing.sh
. bench/timing.sh

PYRE="$OUT/pyre.py"
cat > "$PYRE" <<'PY'
import re, sys
rx = re.compile(r"(?m)^(?:[ -;] [?-~]){5,}|(?:[ -;] [?-~]){5,}$")
with open(sys.argv[1], encoding="utf-8", errors="surrogateescape") as f:
    sys.stdout.write(rx.sub("", f.read()))
PY

declare -A T R
run() { local name=$1; shift; read -r T[$name] R[$name] < <(best_of "$@"); }
run cat cat "$CORPUS"
run unjam "$UNJAM" clean "$CORPUS"
run unjam_j2 "$UNJAM" clean -j 2 "$CORPUS"
run perl perl -pe 's/^(?:[ -;] [?-~]){5,}|(?:[ -;] [?-~]){5,}$//g' "$CORPUS"
run python python3 "$PYRE" "$CORPUS"

mbs() { awk "BEGIN{printf \"%.0f\", $BYTES/1e6/$1}"; }
ratio() { awk "BEGIN{printf \"%.2f\", $2/$1}"; }
echo "corpus: $CORPUS ($BYTES bytes, jammed posts: $JAMMED), best of $REPEAT, $(nproc) CPUs"
printf "%-22s %9s %9s %12s %10s %10s %10s\n" command seconds MB/s "peak RSS MB" "x python" "x perl" "x cat"
for k in cat unjam unjam_j2 perl python; do
  printf "%-22s %9s %9s %12s %10s %10s %10s\n" "$k" "${T[$k]}" "$(mbs "${T[$k]}")" \
    "$(awk "BEGIN{printf \"%.1f\", ${R[$k]}/1024}")" \
    "$(ratio "${T[$k]}" "${T[python]}")" "$(ratio "${T[$k]}" "${T[perl]}")" "$(ratio "${T[$k]}" "${T[cat]}")"
done
