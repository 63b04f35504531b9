#!/usr/bin/env bash
# resilint next to its peers on the pinned corpus from ../shared/bench, in one run: every tool
# runs in turn (alternating, RUNS rounds), and each step prints its median wall time, peak RSS
# and its ratio to resilint's time on the same half (the median of the rounds' ratios).
#
#   bash scripts/bench.sh            # after ../shared/bench/corpus.sh and anchors.sh
#   env: RUNS=5 (rounds), RESILINT=target/release/resilint, BENCH_DIR=<corpus cache>
#        HALVES="python rust" (libraries half; "services/python services/rust" for services)
#
# Defaults as users run them: resilint with all rules and its defaults (test code skipped,
# cache off to measure the work), ruff --select ALL and S113, semgrep with one timeout rule.
# `resilint --include-tests` is timed too, to show what auditing test code costs, and the
# floors: `cat` of every file, and resilint parsing alone (--parse-only).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_DIR:-${RESILINT_BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/resilint-bench}}
corpus=$bench/corpus
venv=$bench/anchors-venv
rules=$here/../shared/bench/rules/semgrep-timeouts.yml
runs=${RUNS:-3}
resilint=${RESILINT:-$here/target/release/resilint}
halves=${HALVES:-python rust}
[ -x "$resilint" ] || (cd "$here" && cargo build --release --locked)
resilint=$(cd "$(dirname "$resilint")" && pwd)/$(basename "$resilint")
[ -d "$corpus/python" ] || { echo "no corpus: run ../shared/bench/corpus.sh" >&2; exit 1; }
export SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name|half|command (run from the half's folder on ".")
steps=()
for half in $halves; do
  ext=py; [ "${half##*/}" = rust ] && ext=rs
  steps+=("floor: cat every .$ext|$half|find . -name '*.$ext' -type f -print0 | xargs -0 cat > /dev/null")
  steps+=("resilint parse only|$half|$resilint check --parse-only --no-cache --fail-on never --format json . > /dev/null")
  steps+=("resilint (all rules)|$half|$resilint check --no-cache --fail-on never --format json . > /dev/null")
  steps+=("resilint --include-tests|$half|$resilint check --no-cache --include-tests --fail-on never --format json . > /dev/null")
  steps+=("resilint warm cache|$half|$resilint check --fail-on never --format json . > /dev/null")
  if [ -x "$venv/bin/ruff" ] && [ "$ext" = py ]; then
    steps+=("ruff --select ALL|$half|$venv/bin/ruff check --select ALL --no-cache --isolated --exit-zero -q . > /dev/null")
    steps+=("ruff --select S113|$half|$venv/bin/ruff check --select S113 --no-cache --isolated --exit-zero -q . > /dev/null")
  fi
  if [ -x "$venv/bin/semgrep" ]; then
    steps+=("semgrep one timeout rule|$half|$venv/bin/semgrep --metrics=off --disable-version-check --config $rules --json --quiet . > /dev/null")
  fi
done

# Prime the warm cache once per half.
for half in $halves; do
  (cd "$corpus/$half" && "$resilint" check --fail-on never --format json . > /dev/null < /dev/null)
done

for round in $(seq 1 "$runs"); do
  for i in "${!steps[@]}"; do
    IFS='|' read -r name half cmd <<< "${steps[$i]}"
    (cd "$corpus/$half" && /usr/bin/time -f "%e %M" -o "$tmp/t" bash -c "$cmd" < /dev/null) || true
    echo "$i $(tail -n 1 "$tmp/t")" >> "$tmp/times"
  done
done

python3 - "$tmp/times" "${steps[@]}" <<'PY'
import statistics, sys
times = {}
for line in open(sys.argv[1]):
    i, wall, rss = line.split()
    times.setdefault(int(i), []).append((float(wall), int(rss)))
steps = [s.split("|")[:2] for s in sys.argv[2:]]
base = {}
for i, (name, half) in enumerate(steps):
    if name == "resilint (all rules)":
        base[half] = i
print("| half | step | median wall s | peak RSS MB | × resilint |")
print("|---|---|---:|---:|---:|")
for i, (name, half) in enumerate(steps):
    wall = statistics.median(w for w, _ in times[i])
    rss = max(r for _, r in times[i]) / 1024
    # The ratio of each round's times, then their median: a round's steps run close together,
    # under the same load, while the load drifts between rounds.
    if half in base:
        rounds = zip(times[i], times[base[half]])
        ratio = statistics.median(w / b for (w, _), (b, _) in rounds)
    else:
        ratio = float("nan")
    print(f"| {half} | {name} | {wall:.2f} | {rss:.0f} | {ratio:.2f} |")
PY
