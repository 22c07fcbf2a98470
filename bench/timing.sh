# Shared by the bench/*_bench.sh scripts (sourced): timing with best-of-N and peak RSS.
# Needs REPEAT and OUT set by the caller.

# best_of CMD...: best wall time in seconds over REPEAT runs, peak RSS (KB) of the last.
best_of() {
  local best="" rss=0 t
  for _ in $(seq "$REPEAT"); do
    /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" > /dev/null
    read -r t rss < "$OUT/time.txt"
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
  done
  echo "$best $rss"
}
