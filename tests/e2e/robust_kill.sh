#!/usr/bin/env bash
# robust_kill.sh - crash-safe rebuilds: ibid-index rebuilding INDEX is killed with SIGKILL at
# random moments (seeded: IBID_ROBUST_SEED, default 20261123) while a reader searches INDEX in a
# loop.  After every kill the index is valid (--check) and answers; the reader never fails;
# the next complete build removes the temporary files the killed builds left behind, but never
# the temporary file of a build that is still running.
#
# The rebuilds alternate between two sources (the whole corpus/, and corpus/ without 004) so
# that renames really replace one index with another; the query matches in both.
# Kills: IBID_ROBUST_KILLS (default 24), each at a uniform moment in [0, 1.3 x the time of one
# build], so that some land before the temporary file exists, most while it is written, some
# around the rename and some after the build ended.
source "$(dirname "$0")/lib.bash"

RANDOM="${IBID_ROBUST_SEED:-20261123}"
kills="${IBID_ROBUST_KILLS:-24}"
D="$TMP/ix"
I="$D/corpus.ibid"
mkdir -p "$D" "$TMP/small"
cp corpus/000_* corpus/001_* corpus/002_* corpus/003_* "$TMP/small/"
query="Latin America trade"

ms() { echo $(( $(date +%s%N) / 1000000 )); }
t0=$(ms)
"$IDX" -q -o "$I" corpus/ || { fail "first build"; finish; exit 1; }
build_ms=$(( $(ms) - t0 ))
[ "$build_ms" -ge 20 ] || build_ms=20
check "first index is valid" "$IDX" --check "$I"

# the reader: searches in a loop until told to stop; every failure is written down
stop="$TMP/stop"
rlog="$TMP/reader.log"
: >"$rlog"
(
  n=0
  while [ ! -e "$stop" ]; do
    out="$("$SRCH" -i "$I" --format grep -n 3 "$query" 2>"$TMP/reader.err")"
    rc=$?
    n=$((n + 1))
    if [ $rc -ne 0 ] || [ -z "$out" ]; then
      echo "search $n: exit $rc: $(head -c 300 "$TMP/reader.err")" >>"$rlog"
    fi
  done
  echo "reader: $n searches" >"$TMP/reader.count"
) &
reader=$!

window=$(( build_ms * 13 / 10 ))
bad_checks=0
leftover_seen=0
for k in $(seq 1 "$kills"); do
  if [ $((k % 2)) -eq 0 ]; then src="$TMP/small"; else src="corpus/"; fi
  delay=$(( (RANDOM * 32768 + RANDOM) % (window + 1) ))
  "$IDX" -q -o "$I" "$src" 2>/dev/null &
  builder=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -KILL "$builder" 2>/dev/null
  wait "$builder" 2>/dev/null
  if ! "$IDX" --check "$I" >/dev/null 2>"$TMP/check.err"; then
    bad_checks=$((bad_checks + 1))
    fail "after kill $k (at ${delay} ms): --check: $(cat "$TMP/check.err")"
  fi
  if ls -a "$D" | grep -q '^\.corpus\.ibid\.tmp\.'; then leftover_seen=$((leftover_seen + 1)); fi
done
touch "$stop"
wait "$reader"
expect_eq "index valid after every kill" "$bad_checks" 0
check "reader ran" test -s "$TMP/reader.count"
expect_eq "reader failures" "$(wc -l <"$rlog")" 0
[ -s "$rlog" ] && head -5 "$rlog" >&2
printf 'robust_kill: %d kills in a window of %d ms (one build: %d ms), %d left a temporary file; %s\n' \
  "$kills" "$window" "$build_ms" "$leftover_seen" "$(cat "$TMP/reader.count" 2>/dev/null)"

# leftovers: one of a dead process (as a killed build leaves it), one of a live process (a build
# running now), one of another target; a complete build removes only the first
sleep 30 &
live=$!
dead=$(( $(cat /proc/sys/kernel/pid_max 2>/dev/null || echo 32768) - 1 ))
while kill -0 "$dead" 2>/dev/null; do dead=$((dead - 1)); done
echo partial >"$D/.corpus.ibid.tmp.$dead"
echo partial >"$D/.corpus.ibid.tmp.$live"
echo partial >"$D/.other.ibid.tmp.$dead"
"$IDX" -q -o "$I" corpus/
expect_eq "complete build after the kills" "$?" 0
check "valid after the complete build" "$IDX" --check "$I"
expect_eq "temporary files of dead builds removed" \
  "$(ls -a "$D" | grep '^\.corpus\.ibid\.tmp\.' | grep -vc "\.$live\$")" 0
check "temporary file of a live build kept" test -e "$D/.corpus.ibid.tmp.$live"
check "temporary file of another target kept" test -e "$D/.other.ibid.tmp.$dead"
kill "$live" 2>/dev/null
wait "$live" 2>/dev/null
out="$("$SRCH" -i "$I" --format grep -n 3 "$query")"
expect_eq "search after the complete build" "$?" 0
finish
