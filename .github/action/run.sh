#!/usr/bin/env bash
# The action's run step (action.yml). Inputs arrive as INPUT_* environment variables and are
# never spliced into a command line as code.
#
# 1. The full scan writes the SARIF report, the JSON report (for the scores) and, where this
#    resilint has it, the Markdown scorecard.
# 2. The gate scan (on pull requests: only lines changed since the merge base with the base
#    branch, which is fetched first in a shallow checkout) prints the annotations, most severe
#    first within GitHub's limits, and decides the exit status with `fail-on`.
# 3. Outputs go to $GITHUB_OUTPUT; the summary (what gated the job, the findings that got no
#    annotation, the scorecard) goes to $GITHUB_STEP_SUMMARY.
set -uo pipefail

resilint=${RESILINT_BIN:-resilint}
fail_on=${INPUT_FAIL_ON:-error}
min_score=${INPUT_MIN_SCORE:-}
config=${INPUT_CONFIG:-}
baseline=${INPUT_BASELINE:-}
sarif=${INPUT_SARIF_FILE:-resilint.sarif}
summary_file=${GITHUB_STEP_SUMMARY:-/dev/null}
output_file=${GITHUB_OUTPUT:-/dev/null}

# Workflow commands take `%`, CR and LF escaped.
escape() {
  local text=${1//'%'/'%25'}
  text=${text//$'\r'/'%0D'}
  printf '%s' "${text//$'\n'/'%0A'}"
}

fail() {
  echo "::error title=resilint::$(escape "$1")"
  exit 2
}

check_boolean() {
  case "$2" in
    true | false) ;;
    *) fail "input $1 must be true or false, not '$2'" ;;
  esac
}

want_summary=${INPUT_SUMMARY:-true}
check_boolean summary "$want_summary"
want_annotations=${INPUT_ANNOTATIONS:-true}
check_boolean annotations "$want_annotations"
diff_only=${INPUT_DIFF_ONLY:-auto}
if [ "$diff_only" = auto ]; then
  case "${GITHUB_EVENT_NAME:-}" in
    pull_request | pull_request_target) diff_only=true ;;
    *) diff_only=false ;;
  esac
fi
check_boolean diff-only "$diff_only"

command -v jq >/dev/null || fail "the resilint action needs jq on the runner (GitHub-hosted runners have it)"

# Paths are one per line when the input has several lines (so a path may hold spaces), else
# separated by spaces.
paths=()
paths_input=${INPUT_PATHS:-.}
case "$paths_input" in
  *$'\n'*)
    while IFS= read -r line; do
      line=${line#"${line%%[![:space:]]*}"}
      line=${line%"${line##*[![:space:]]}"}
      if [ -n "$line" ]; then paths+=("$line"); fi
    done <<<"$paths_input"
    ;;
  *) read -r -a paths <<<"$paths_input" ;;
esac
[ "${#paths[@]}" -gt 0 ] || paths=(.)

work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/resilint.XXXXXX") || fail "cannot create a temporary folder"
trap 'rm -rf "$work"' EXIT

common=()
if [ -n "$config" ]; then common+=(--config "$config"); fi

# The base branch and enough history for its merge base with HEAD: actions/checkout fetches
# one commit (the pull request's merge commit), and a fork's base branch not at all.
base=""
if [ "$diff_only" = true ]; then
  base_branch=${GITHUB_BASE_REF:-}
  [ -n "$base_branch" ] || fail "diff-only needs a pull_request event (GITHUB_BASE_REF is not set); set diff-only: false on other events"
  base="origin/$base_branch"
  refspec="+refs/heads/$base_branch:refs/remotes/origin/$base_branch"
  if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
    git fetch --no-tags --quiet --depth=1 origin "$refspec" ||
      fail "cannot fetch the base branch $base_branch from origin: with actions/checkout, keep persist-credentials or fetch it yourself"
  fi
  for deepen in 1 10 100 1000; do
    if git merge-base "$base" HEAD >/dev/null 2>&1; then break; fi
    [ "$(git rev-parse --is-shallow-repository)" = true ] || break
    git fetch --no-tags --quiet --deepen="$deepen" origin "$refspec" || break
  done
  if ! git merge-base "$base" HEAD >/dev/null 2>&1 && [ "$(git rev-parse --is-shallow-repository)" = true ]; then
    git fetch --no-tags --quiet --unshallow origin "$refspec" || true
  fi
fi

# 1. The full scan.
mkdir -p "$(dirname "$sarif")" || fail "cannot create the folder of $sarif"
full=(check "${paths[@]}" ${common[@]+"${common[@]}"} --format json --fail-on never --output "sarif=$sarif")
if [ -n "$min_score" ]; then full+=(--min-score "$min_score"); fi
# A pinned older release may not write the scorecard or know --min-score yet.
check_help=$("$resilint" check --help 2>/dev/null)
case "$check_help" in
  *markdown*) full+=(--output "markdown=$work/scorecard.md") ;;
esac
GITHUB_STEP_SUMMARY="" "$resilint" "${full[@]}" >"$work/full.json" 2>"$work/full.err"
full_status=$?
cat "$work/full.err" >&2
case $full_status in
  0 | 1) ;;
  *) fail "resilint could not run: $(cat "$work/full.err")" ;;
esac

# 2. The gate scan (the facts cache makes it cheap).
gate=(check "${paths[@]}" ${common[@]+"${common[@]}"} --format github --fail-on "$fail_on" --output "json=$work/gate.json")
if [ -n "$base" ]; then gate+=(--diff "$base"); fi
if [ -n "$baseline" ]; then gate+=(--baseline "$baseline"); fi
# The scores are judged on the full scan; a config's min-score must not fail the gate too.
case "$check_help" in
  *--min-score*) gate+=(--min-score 0) ;;
esac
# The summary is written below, once, from the full scan.
GITHUB_STEP_SUMMARY="" "$resilint" "${gate[@]}" >"$work/annotations.txt" 2>"$work/gate.err"
gate_status=$?
cat "$work/gate.err" >&2
case $gate_status in
  0 | 1) ;;
  *) fail "resilint could not run: $(cat "$work/gate.err")" ;;
esac
if [ "$want_annotations" = true ]; then
  cat "$work/annotations.txt"
  annotated=$(grep -c '^::' "$work/annotations.txt")
else
  annotated=0
fi

# 3. Outputs and summary.
score() {
  jq -r --arg area "$1" '.scores[$area] | (if type == "object" then .value else . end)
    | if type == "number" then (if . == floor then "\(.).0" else tostring end) else empty end' "$work/full.json"
}
findings=$(jq '.findings | length' "$work/gate.json")
{
  echo "resilience-score=$(score resilience)"
  echo "observability-score=$(score observability)"
  echo "findings=$findings"
  echo "sarif-file=$sarif"
} >>"$output_file"

if [ "$want_summary" = true ]; then
  {
    echo "## resilint"
    echo
    jq -r --arg base "$base" --arg fail_on "$fail_on" --argjson annotated "$annotated" \
      --argjson per_level 10 --argjson annotations "$([ "$want_annotations" = true ] && echo true || echo false)" '
      def md: tostring | gsub("[\r\n]+"; " ") | gsub("(?<c>[\\\\`*_\\[\\]<>|])"; "\\\(.c)");
      def count(s): [.findings[] | select(.severity == s)] | length;
      def plural(n; word): "\(n) \(word)\(if n == 1 then "" else "s" end)";
      .findings as $all
      | ($all | length) as $n
      | (if $base == "" then "Findings: **\($n)**" else "Findings on lines changed since `\($base)`: **\($n)**" end)
        + " (\(plural(count("error"); "error")), \(plural(count("warning"); "warning")), \(plural(count("note"); "note")); \(if $fail_on == "never" then "fail-on is `never`" else "the job fails on `\($fail_on)` and above" end))."
        + ((.stats.outside_diff // 0) as $elsewhere
           | if $elsewhere == 0 then ""
             elif $elsewhere == 1 then " 1 more, elsewhere in the code, does not gate this pull request; it is in the SARIF report."
             else " \($elsewhere) more, elsewhere in the code, do not gate this pull request; they are in the SARIF report." end)
        + ((.stats.baseline_hidden // 0) as $known
           | if $known == 0 then ""
             else " \(plural($known; "known finding")) in the baseline \(if $known == 1 then "does" else "do" end) not gate the job either." end)
        + ((.stats.baseline_stale // 0) as $stale
           | if $stale == 0 then ""
             else " The baseline has \(plural($stale; "stale entry") | sub("entrys"; "entries")) (fixed or gone): `resilint check --write-baseline` refreshes it." end),
      "",
      (if $annotations then
         "\($annotated) of \($n) annotated on the code; GitHub shows at most \($per_level) annotations per level and step"
         + (if $n > $annotated then ", so the other \($n - $annotated) are listed here." else "." end)
       else "Annotations are off; every finding is listed here." end),
      ( [ ["error", "warning", "note"][] as $s
          | [$all[] | select(.severity == $s)]
          | if $annotations then .[$per_level:] else . end
          | .[] ] as $rest
        | if ($rest | length) == 0 then empty else
            "",
            "| Severity | Location | Rule | Message |",
            "|---|---|---|---|",
            ($rest[:200][] | "| \(.severity) | \(.path | md):\(.line):\(.column) | \(.rule) \(.name | md) | \(.message | md) |"),
            (if ($rest | length) > 200 then "", "…and \(($rest | length) - 200) more: every finding is in the SARIF report." else empty end)
          end )
      ' "$work/gate.json"
    echo
    if [ -s "$work/scorecard.md" ]; then
      cat "$work/scorecard.md"
    else
      jq -r '"Whole scan: \(.findings | length) findings in \(.stats.files) files (\(.stats.lines) lines)."' "$work/full.json"
    fi
  } >>"$summary_file"
fi

# Plain lines, not annotations: an eleventh error annotation would push out a finding's.
status=0
if [ "$gate_status" -eq 1 ]; then
  echo "resilint: findings at or above '$fail_on'$([ -n "$base" ] && echo " on lines changed since $base"): see the annotations and the job summary"
  status=1
fi
if [ "$full_status" -eq 1 ]; then
  echo "resilint: a score is below min-score $min_score"
  status=1
fi
exit "$status"
