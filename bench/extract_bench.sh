#!/usr/bin/env bash
# Extraction speed, all figures from one run (quote them as ratios; the machines are noisy):
#   1. in-process: unjam extract_page vs the html5ever parse-only floor (cargo bench --bench extract);
#   2. the CLI over a directory, -j1 vs the default (one thread per CPU): wall and CPU time;
#   3. trafilatura 2.x extract() in process on the same pages (installed into bench/out/venv;
#      skipped with a message when it cannot be installed).
# Pages: the desktop thread pages of ../shared/discuz-pages, else fixtures/extract.
# usage: bench/extract_bench.sh [COPIES]   (COPIES of the page set in the CLI directory, default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-20}
out=bench/out/extract
mkdir -p "$out"

cargo build -q --release
bin=target/release/unjam

echo "== 1. in process: extraction against the parse-only floor"
cargo bench -q --bench extract 2>/dev/null | tee "$out/inprocess.txt"

benchbin=$(ls -t target/release/deps/extract-* | grep -v '\.d$' | head -1)
if command -v valgrind >/dev/null; then
  # Instruction counts do not move with the machine's load: the same comparison, steadier.
  for side in floor extract; do
    BENCH_ONLY=$side valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$side" "$benchbin" 2>&1 |
      awk -v s=$side '/Collected/ {print s, $NF}'
  done | tee "$out/instructions.txt" | awk '{n[$1]=$2} END {printf "instructions: floor %d, extract %d: extraction adds %+.1f %%\n", n["floor"], n["extract"], (n["extract"]/n["floor"]-1)*100}'
else
  echo "(valgrind not installed: no instruction counts)"
fi

# The page set, as the bench binary chose it.
pages=()
if [ -d ../shared/discuz-pages ]; then
  while IFS= read -r f; do pages+=("$f"); done < <(
    find ../shared/discuz-pages -name 't*-p*-jo*.html' | grep -E '/t[0-9]+-p[0-9]+(-[a-z]+)?-jo(n|ff)\.html$' | sort)
else
  while IFS= read -r f; do pages+=("$f"); done < <(find fixtures/extract -maxdepth 1 -name '*.html' | sort)
fi
echo
echo "== 2. the CLI over a directory of ${#pages[@]} pages x $copies copies"
dir="$out/pages"
rm -rf "$dir"; mkdir -p "$dir"
for c in $(seq 1 "$copies"); do
  mkdir -p "$dir/$c"
  for f in "${pages[@]}"; do cp "$f" "$dir/$c/$(basename "$(dirname "$f")")-$(basename "$f")"; done
done
n=$(find "$dir" -name '*.html' | wc -l)
mb=$(du -sbL "$dir" | awk '{printf "%.1f", $1/1e6}')
run() { # label, args...: best wall of 3, with user+sys CPU of that run
  local label=$1; shift
  python3 - "$label" "$n" "$mb" "$@" <<'PY'
import os, resource, subprocess, sys, time
label, n, mb, cmd = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
best = None
for _ in range(3):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    if best is None or wall < best[0]:
        best = (wall, cpu)
wall, cpu = best
print(f"{label:<28} {wall:7.3f} s wall  {cpu:7.3f} s CPU  ({cpu / wall:.2f} cores busy)  {n / wall:7.0f} pages/s  {mb / wall:6.1f} MB/s")
PY
}
{
  run "unjam extract -j1" "$bin" -q extract -j1 -f jsonl "$dir"
  run "unjam extract (all CPUs)" "$bin" -q extract -f jsonl "$dir"
} | tee "$out/cli.txt"

echo
echo "== 3. trafilatura extract() on the same ${#pages[@]} pages, in process"
venv=bench/out/venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import trafilatura' 2>/dev/null; then
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q trafilatura lxml_html_clean; } >"$out/pip.log" 2>&1; then
    echo "skipped: trafilatura could not be installed (see $out/pip.log)"
    exit 0
  fi
fi
tv=$("$venv/bin/python" -c 'import trafilatura; print(trafilatura.__version__)')
# Interleaved, best of 3 each: a trafilatura round, then an unjam round (one thread, in
# process, the same pages), so that load on the machine hits both alike.
tsec=999999; usec=999999
for i in 1 2 3; do
  read -r tn tbytes t tgot < <("$venv/bin/python" bench/trafilatura_time.py 1 "${pages[@]}")
  u=$(BENCH_ONLY=extract "$benchbin" | awk '/extract_seconds/ {print $2}')
  tsec=$(python3 -c "print(min($tsec, $t))"); usec=$(python3 -c "print(min($usec, $u))")
done
python3 - "$tv" "$tn" "$tbytes" "$tsec" "$tgot" "$usec" <<'PY' | tee "$out/trafilatura.txt"
import sys
tv, n, b, tsec, got, useconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
print(f"trafilatura {tv}: {n / tsec:7.0f} pages/s  {b / 1e6 / tsec:6.2f} MB/s  (text from {got}/{n} pages)")
print(f"unjam extract_page:   {n / useconds:7.0f} pages/s  {b / 1e6 / useconds:6.2f} MB/s")
print(f"unjam is {tsec / useconds:.1f}x trafilatura (target: at least 20x)")
PY
