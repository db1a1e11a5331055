# lib.bash - helpers for the end-to-end tests (sourced; not a test itself).
# Each test is run by ctest as: bash tests/e2e/NAME.sh BUILD_DIR, from the repository root.
set -u
BIN="${1:?usage: $0 BUILD_DIR}"
IDX="$BIN/ibid-index"
SRCH="$BIN/ibid-search"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/ibid-e2e.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
FAILS=0
PASSES=0
ok()   { PASSES=$((PASSES + 1)); }
fail() { FAILS=$((FAILS + 1)); printf 'FAIL: %s\n' "$*" >&2; }
# check DESCRIPTION COMMAND...: passes when the command succeeds
check() { local d="$1"; shift; if "$@" >/dev/null; then ok; else fail "$d"; fi; }
# expect_eq DESCRIPTION GOT WANT
expect_eq() { if [ "$2" = "$3" ]; then ok; else fail "$1: got '$2', want '$3'"; fi; }
# expect_within DESCRIPTION GOT WANT PERCENT
expect_within() {
  local lo=$(( $3 * (100 - $4) / 100 )) hi=$(( ($3 * (100 + $4) + 99) / 100 ))
  if [ "$2" -ge "$lo" ] && [ "$2" -le "$hi" ]; then ok; else fail "$1: got $2, want $3 +-$4%"; fi
}
finish() {
  printf '%d passed, %d failed\n' "$PASSES" "$FAILS"
  [ "$FAILS" -eq 0 ]
}
