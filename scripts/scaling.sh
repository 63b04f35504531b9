#!/usr/bin/env bash
# Whether resilint's time grows linearly with the size of what it scans: one half of the pinned
# corpus copied 1, 2 and 4 times into a temporary folder, each scanned RUNS times with all rules
# (cache off); prints the median wall time, peak RSS and the time per copy.
#
#   bash scripts/scaling.sh            # after ../shared/bench/corpus.sh
#   env: RUNS=3, HALF=python (or rust), RESILINT=target/release/resilint, BENCH_DIR=<corpus cache>
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_DIR:-${RESILINT_BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/resilint-bench}}
half=${HALF:-python}
runs=${RUNS:-3}
resilint=${RESILINT:-$here/target/release/resilint}
[ -x "$resilint" ] || (cd "$here" && cargo build --release --locked)
[ -d "$bench/corpus/$half" ] || { echo "no corpus: run ../shared/bench/corpus.sh" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "| copies of the $half half | median wall s | peak RSS MB | s per copy |"
echo "|---:|---:|---:|---:|"
for copies in 1 2 4; do
  dir=$tmp/x$copies
  mkdir -p "$dir"
  for i in $(seq 1 "$copies"); do
    cp -r "$bench/corpus/$half" "$dir/copy$i"
  done
  : > "$tmp/times"
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -f "%e %M" -o "$tmp/t" \
      "$resilint" check --no-cache --fail-on never --format json "$dir" > /dev/null
    tail -n 1 "$tmp/t" >> "$tmp/times"
  done
  python3 - "$tmp/times" "$copies" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
wall = statistics.median(float(w) for w, _ in rows)
rss = max(int(r) for _, r in rows) / 1024
copies = int(sys.argv[2])
print(f"| {copies} | {wall:.2f} | {rss:.0f} | {wall / copies:.2f} |")
PY
  rm -rf "$dir"
done
