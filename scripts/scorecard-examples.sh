#!/usr/bin/env bash
# Regenerates docs/examples/: the audit scorecards (Markdown and HTML) of one Python and one Rust
# service from the benchmark corpus, with every rule of this build. The corpus comes from
# ../shared/bench/corpus.sh (this script never downloads it).
#   PYTHON_SERVICE / RUST_SERVICE  folder names under the corpus's services/python and services/rust
#   RESILINT_CORPUS                the corpus's services folder
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${RESILINT_CORPUS:-$HOME/.cache/resilint-bench/corpus/services}"
python_service="${PYTHON_SERVICE:-lnbits-1.6.2}"
rust_service="${RUST_SERVICE:-pict-rs-0.5.25}"

#   RESILINT_BIN                   a resilint binary to use instead of building a release one
if [ -n "${RESILINT_BIN:-}" ]; then
  bin="$(realpath "$RESILINT_BIN")"
else
  cargo build --release --quiet
  bin="$PWD/target/release/resilint"
fi
out="$PWD/docs/examples"
mkdir -p "$out"

for example in "python/$python_service python-service" "rust/$rust_service rust-service"; do
  read -r dir name <<<"$example"
  src="$corpus/$dir"
  if [ ! -d "$src" ]; then
    echo "no $src: run ../shared/bench/corpus.sh first" >&2
    exit 2
  fi
  # From inside the service's folder, so paths in the scorecard are relative to it.
  (cd "$src" && "$bin" check . --no-config --no-cache --fail-on never \
    --format markdown --output "html=$out/$name.html") >"$out/$name.md"
  echo "$name: $src"
  grep -E '^\*\*(Resilience|Observability) Score' "$out/$name.md"
done
