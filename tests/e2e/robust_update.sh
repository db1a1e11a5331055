#!/usr/bin/env bash
# robust_update.sh - incremental updates (issue 7) killed with SIGKILL at random moments while a
# reader searches the index in a loop.
#
# A folder of corpus/ copies goes through a cycle of updates: a file added, a file changed, a
# file deleted from disk, a file dropped with --remove, --optimize.  Before each update the
# answers of the folder's new state are computed on a full build of it elsewhere (the passage
# count of a fixed query, and the --json top 5).  Then the update is started and killed at a
# uniform moment in [0, a third of the time of that full build] (an update takes less: about
# half the kills land after the new state is published), seeded by IBID_ROBUST_SEED (default
# 20261123); IBID_ROBUST_UPDATES updates (default 10: each operation twice; fewer, but each
# operation once, when they take more than IBID_ROBUST_SECONDS, default 40).
# After each kill: --check passes and the index answers as the previous state or the new one;
# then the same update runs to the end and must succeed, answer as the new state, and leave no
# temporary file, and INDEX.d holds exactly the files the manifest names (its segments and
# deletion files, and the lock) - also after a run that had nothing to write because the
# killed one had already published: it removes what the killed run left unnamed.
# Meanwhile the reader alternates --count and --json searches: it never fails (exit 0 or 1,
# never 2 or a signal) and every answer it gives is one of the states' answers.
source "$(dirname "$0")/lib.bash"

RANDOM="${IBID_ROBUST_SEED:-20261123}"
updates="${IBID_ROBUST_UPDATES:-10}"
S="$TMP/shelf"        # the texts
D="$TMP/ix"
I="$D/shelf.ibid"
R="$TMP/ref.ibid"     # full builds of each state
mkdir -p "$S" "$D" "$TMP/out"
cp corpus/000_* corpus/001_* corpus/002_* corpus/003_* "$S/"
query="Latin America trade"
valid="$TMP/valid"    # one line per state: count<TAB>md5 of the --json answer
: >"$valid"

ms() { echo $(( $(date +%s%N) / 1000000 )); }
answers() { # INDEX -> count<TAB>md5 (the count 0 and an empty answer when nothing matches)
  local c j
  c="$("$SRCH" -i "$1" --count "$query" 2>/dev/null)"
  j="$("$SRCH" -i "$1" --json -n 5 "$query" 2>/dev/null | md5sum | cut -d ' ' -f 1)"
  printf '%s\t%s\n' "${c:-x}" "$j"
}
# the answers of the shelf's current state, from a full build elsewhere: appended to $valid
# and set in $next; its time in $ref_ms
state() {
  local t0
  rm -f "$R"
  t0=$(ms)
  "$IDX" -q --full -o "$R" "$S" || fail "full build of a state"
  ref_ms=$(( $(ms) - t0 ))
  next="$(answers "$R")"
  printf '%s\n' "$next" >>"$valid"
}
# INDEX.d holds exactly the named files; no temporary left anywhere
clean() { # description
  local want have
  if [ "$(head -c 7 "$I")" = "IBIDIDX" ]; then
    want="lock.ibid"
  else
    want="$( { echo lock.ibid
               sed -nE 's/^segment ([0-9]+) [0-9]+ [0-9]+ 0$/\1.seg.ibid/p' "$I"
               sed -nE 's/^segment ([0-9]+) [0-9]+ [0-9]+ ([1-9][0-9]*)$/\1.seg.ibid\n\1.\2.del.ibid/p' "$I"
             } | sort)"
  fi
  have="$(ls -A "$I.d" 2>/dev/null | grep -v '^lock\.ibid$' | { cat; echo lock.ibid; } | sort)"
  expect_eq "$1: INDEX.d holds the named files" "$have" "$want"
  if ls -A "$D" "$I.d" 2>/dev/null | grep -q '\.tmp\.'; then fail "$1: a temporary file is left"; else ok; fi
}

"$IDX" -q -o "$I" "$S" || { fail "first build"; finish; exit 1; }
cur="$(answers "$I")"
state
expect_eq "first build answers as a full build" "$cur" "$next"

# the reader: until told to stop, alternately --count and --json; every exit status and answer
# goes to its log, checked at the end
stop="$TMP/stop"
rlog="$TMP/reader.log"
(
  n=0
  while [ ! -e "$stop" ]; do
    if [ $((n % 2)) -eq 0 ]; then
      out="$("$SRCH" -i "$I" --count "$query" 2>"$TMP/reader.err")"
      rc=$?
      printf 'count\t%s\t%s\t%s\n' "$rc" "$out" "$(head -c 200 "$TMP/reader.err" | tr '\n\t' '  ')"
    else
      out="$("$SRCH" -i "$I" --json -n 5 "$query" 2>"$TMP/reader.err" | md5sum | cut -d ' ' -f 1; exit "${PIPESTATUS[0]}")"
      rc=$?
      printf 'json\t%s\t%s\t%s\n' "$rc" "$out" "$(head -c 200 "$TMP/reader.err" | tr '\n\t' '  ')"
    fi
    n=$((n + 1))
  done >"$rlog"
) &
reader=$!

serial=0
published=0
budget_ms=$(( ${IBID_ROBUST_SECONDS:-40} * 1000 ))
start_ms=$(ms)
done_updates=0
for k in $(seq 1 "$updates"); do
  # past the time budget (a sanitizer build on a loaded machine), stop once every operation ran
  if [ "$k" -gt 5 ] && [ $(( $(ms) - start_ms )) -gt "$budget_ms" ]; then break; fi
  done_updates=$k
  op=$(( (k - 1) % 5 ))
  args=(-q -o "$I" "$S")
  case $op in
    0) serial=$((serial + 1))
       if [ $((serial % 2)) -eq 1 ]; then cp corpus/004_* "$S/added$serial.txt"; else cp corpus/000_* "$S/added$serial.txt"; fi
       what="add" ;;
    1) f="$(ls "$S" | head -n 1)"
       printf '\nLatin America trade, once more (edit %d).\n' "$k" >>"$S/$f"; what="change $f" ;;
    2) f="$(ls "$S" | grep -v '^added' | tail -n 1)"
       [ "$(ls "$S" | grep -vc '^added')" -ge 2 ] || f="$(ls "$S" | tail -n 1)"
       mv "$S/$f" "$TMP/out/"; what="delete $f from disk" ;;
    3) f="$(ls "$S" | grep '^added' | head -n 1)"
       [ -n "$f" ] || f="$(ls "$S" | tail -n 1)"
       mv "$S/$f" "$TMP/out/"; args=(-q -o "$I" --remove "$S/$f"); what="--remove $f" ;;
    4) args=(-q -o "$I" --optimize); what="--optimize" ;;
  esac
  prev="$cur"
  state
  window=$(( ref_ms / 3 )); [ "$window" -ge 10 ] || window=10
  delay=$(( (RANDOM * 32768 + RANDOM) % (window + 1) ))
  "$IDX" "${args[@]}" 2>/dev/null &
  w=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -KILL "$w" 2>/dev/null
  wait "$w" 2>/dev/null
  if ! "$IDX" --check "$I" >/dev/null 2>"$TMP/check.err"; then
    fail "update $k ($what) killed at $delay ms: --check: $(cat "$TMP/check.err")"
  else
    ok
  fi
  now="$(answers "$I")"
  if [ "$now" != "$prev" ]; then published=$((published + 1)); fi
  if [ "$now" = "$prev" ] || [ "$now" = "$next" ]; then ok; else
    fail "update $k ($what) killed at $delay ms: answers '$now', neither before '$prev' nor after '$next'"
  fi
  # the same update again, to the end (a --remove that the killed run completed: exit 1)
  "$IDX" "${args[@]}" 2>"$TMP/update.err"
  rc=$?
  if [ $rc -eq 0 ] || { [ $op -eq 3 ] && [ $rc -eq 1 ] && grep -q . "$TMP/update.err"; }; then ok; else
    fail "update $k ($what) after the kill: exit $rc: $(head -c 300 "$TMP/update.err")"
  fi
  check "update $k ($what): --check after the full run" "$IDX" --check "$I"
  cur="$(answers "$I")"
  expect_eq "update $k ($what): answers as a full build" "$cur" "$next"
  clean "update $k ($what)"
done
touch "$stop"
wait "$reader"

# the reader's log: no failure, every answer one of a state's
searches=$(wc -l <"$rlog")
check "reader ran" test "$searches" -gt 0
bad_rc="$(awk -F '\t' '$2 != 0 && $2 != 1' "$rlog")"
expect_eq "reader: every search exited 0 or 1" "$bad_rc" ""
bad_answer="$(awk -F '\t' 'NR == FNR { c[$1] = 1; j[$2] = 1; next }
                           $1 == "count" && !($3 in c) || $1 == "json" && !($3 in j)' "$valid" "$rlog")"
expect_eq "reader: every answer is a state's" "$bad_answer" ""
printf 'robust_update: %d updates killed (%d after publishing their state), %d searches, %d distinct states\n' \
  "$done_updates" "$published" "$searches" "$(sort -u "$valid" | wc -l)"
finish
