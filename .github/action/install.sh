#!/usr/bin/env bash
# The action's install step: a prebuilt release binary for this runner when the release has one,
# else the install root and cache key for building the action's own source with
# `cargo install --locked`. Outputs: prebuilt, bin, root, cache-key.
set -euo pipefail

action_dir=${GITHUB_ACTION_PATH:?the action runs inside GitHub Actions}
out=${GITHUB_OUTPUT:-/dev/null}
source_version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action_dir/Cargo.toml" | head -n 1)
version=${INPUT_VERSION:-$source_version}
version=${version#v}

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-gnu ;;
  Linux/ARM64) target=aarch64-unknown-linux-gnu ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) target="" ;;
esac
exe=resilint
if [ "${RUNNER_OS:-}" = Windows ]; then exe=resilint.exe; fi

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum | cut -d' ' -f1; else shasum -a 256 | cut -d' ' -f1; fi
}

tools=${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/resilint
# Where release assets come from: the action's repository, or a mirror set in the workflow.
releases=${RESILINT_RELEASES:-${ACTION_REPOSITORY:+https://github.com/$ACTION_REPOSITORY/releases/download}}
if [ -n "$target" ] && [ -n "$releases" ]; then
  asset="resilint-v$version-$target.tar.gz"
  url="$releases/v$version/$asset"
  dir="$tools/v$version-$target"
  tmp=$(mktemp -d "${RUNNER_TEMP:-/tmp}/resilint-download.XXXXXX")
  if curl -fsSL --retry 3 -o "$tmp/$asset" "$url" && curl -fsSL --retry 3 -o "$tmp/$asset.sha256" "$url.sha256"; then
    expected=$(cut -d' ' -f1 <"$tmp/$asset.sha256")
    actual=$(sha256 <"$tmp/$asset")
    if [ "$expected" != "$actual" ]; then
      echo "::error title=resilint::checksum mismatch for $url (expected $expected, got $actual)"
      exit 1
    fi
    mkdir -p "$dir/bin"
    tar -xzf "$tmp/$asset" -C "$dir/bin"
    rm -rf "$tmp"
    echo "resilint $version: prebuilt $target binary from the release"
    {
      echo "prebuilt=true"
      echo "bin=$dir/bin/$exe"
      echo "root=$dir"
    } >>"$out"
    exit 0
  fi
  rm -rf "$tmp"
  echo "No prebuilt resilint $version for $target at $releases: building the action's source."
else
  echo "No prebuilt resilint for ${RUNNER_OS:-this OS}/${RUNNER_ARCH:-this architecture}: building the action's source."
fi
if [ -n "${INPUT_VERSION:-}" ] && [ "$version" != "$source_version" ]; then
  echo "::warning title=resilint::version $version has no prebuilt binary here; building the action's source, which is version $source_version"
fi

# The cache key covers everything the build reads, so a changed source never restores an old binary.
digest=$(cd "$action_dir" && find Cargo.toml Cargo.lock build.rs src rules -type f | LC_ALL=C sort | while IFS= read -r f; do
  printf '%s\n' "$f"
  cat "$f"
done | sha256)
root="$tools/source-$source_version-${digest:0:16}"
{
  echo "prebuilt=false"
  echo "bin=$root/bin/$exe"
  echo "root=$root"
  echo "cache-key=resilint-${RUNNER_OS:-os}-${RUNNER_ARCH:-arch}-$source_version-$digest"
} >>"$out"
