#!/usr/bin/env bash
# run.sh - fuzz the libFuzzer targets one after the other (never two at once: CI machines and
# the development machine have 2 shared cores).
#
# usage: tests/fuzz/run.sh FUZZ_BUILD_DIR SECONDS [TARGET...]
#   FUZZ_BUILD_DIR  a build made with CC=clang cmake -DIBID_FUZZ=ON (see CMakeLists.txt here)
#   SECONDS         fuzzing time per target
#   TARGET          names like parse_markdown or index (default: every fuzz_*.c)
# The working corpus of each target is $IBID_FUZZ_WORK/NAME (default /tmp/ibid-fuzz/NAME), seeded
# with tests/fuzz/corpus/NAME; crashes, leaks and timeouts land in $IBID_FUZZ_WORK/artifacts/ and
# the script exits 1 when there is one.  One line per target goes to stdout and to
# $IBID_FUZZ_WORK/stats.tsv: target, seconds, executions, exec/s, corpus size, coverage, result.
# New inputs are NOT added to the seed corpus; to keep the interesting ones, merge:
#   build-fuzz/tests/fuzz/fuzz_NAME -merge=1 tests/fuzz/corpus/NAME /tmp/ibid-fuzz/NAME
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:?usage: run.sh FUZZ_BUILD_DIR SECONDS [TARGET...]}"
secs="${2:?usage: run.sh FUZZ_BUILD_DIR SECONDS [TARGET...]}"
shift 2
work="${IBID_FUZZ_WORK:-/tmp/ibid-fuzz}"
mkdir -p "$work/artifacts"
if [ $# -eq 0 ]; then
  set -- $(cd "$here" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
fi
status=0
for name in "$@"; do
  bin="$build/tests/fuzz/fuzz_$name"
  if [ ! -x "$bin" ]; then echo "run.sh: $bin not built" >&2; status=2; continue; fi
  mkdir -p "$work/$name"
  opts=(-timeout=10 -rss_limit_mb=2048 -max_total_time="$secs" -print_final_stats=1
        -artifact_prefix="$work/artifacts/${name}-")
  [ -f "$here/$name.dict" ] && opts+=(-dict="$here/$name.dict")
  case "$name" in
    query_parse) opts+=(-max_len=512) ;;
    index) opts+=(-max_len=65536) ;;
    codec) opts+=(-max_len=8192) ;;
    *) opts+=(-max_len=16384) ;;
  esac
  log="$work/$name.log"
  seeds=()
  [ -d "$here/corpus/$name" ] && seeds=("$here/corpus/$name")
  start=$(date +%s)
  nice -n 10 "$bin" "${opts[@]}" "$work/$name" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | sed 's/cov: //')
  units=$(ls "$work/$name" | wc -l)
  result=ok
  if [ $rc -ne 0 ]; then result="FAIL(rc=$rc, see $log)"; status=1; fi
  line="$name	$took	${execs:-0}	$(( ${execs:-0} / (took > 0 ? took : 1) ))	$units	${cov:-?}	$result"
  echo "$line" | tee -a "$work/stats.tsv"
done
exit $status
