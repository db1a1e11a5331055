#!/usr/bin/env bash
# update.sh - incremental ibid-index (issue 7): a first run writes one standalone file; a rerun
# without changes writes nothing; added, changed, vanished and --remove'd files make segments,
# deletion files and a manifest that --check accepts; --optimize gives back one file with the
# passages of a --full build; a second writer waits or (--no-wait) exits 2; a writer killed
# with SIGKILL in the middle of an update leaves the previous generation intact.
source "$(dirname "$0")/lib.bash"

S="$TMP/src"
I="$TMP/x.ibid"
mkdir -p "$S"
cp corpus/000_* corpus/001_* corpus/002_* "$S/"

passages() { "$IDX" --check "$1" | sed -nE 's/.*ok: ([0-9]+) passages.*/\1/p; s/.*, ([0-9]+) live passages.*/\1/p'; }
kind() { head -c 15 "$1"; echo; }

# ---- first run: one standalone file ----
"$IDX" -o "$I" "$S" 2>"$TMP/err"
expect_eq "first run exit status" "$?" 0
expect_eq "first run writes a standalone segment" "$(head -c 7 "$I")" "IBIDIDX"
check "first run summary is the full-build line" grep -qE '^ibid-index: 3 files, [0-9]+ passages' "$TMP/err"

# ---- rerun with no change: nothing written ----
m0="$(stat -c %Y.%i "$I")"
sleep 1.1 # so that the files are not "racily clean" (modified in the second the index was written)
"$IDX" -o "$I" "$S" 2>"$TMP/err"
expect_eq "no-change rerun exit status" "$?" 0
check "no-change rerun says up to date" grep -q "is up to date (3 files unchanged)" "$TMP/err"
expect_eq "no-change rerun leaves INDEX untouched" "$(stat -c %Y.%i "$I")" "$m0"
"$IDX" -q -o "$I" "$S" 2>"$TMP/err"
expect_eq "-q no-change rerun prints nothing" "$(cat "$TMP/err")" ""

# ---- add a file: a manifest with two segments ----
cp corpus/003_* "$S/"
"$IDX" -o "$I" "$S" 2>"$TMP/err"
expect_eq "add exit status" "$?" 0
check "add summary" grep -qE '^ibid-index: 1 added, 0 changed, 0 removed, 3 unchanged files; 2 segments' "$TMP/err"
expect_eq "INDEX is now a manifest" "$(kind "$I")" "ibid-manifest 1"
check "manifest --check ok" "$IDX" --check "$I"
check "--check names the segments" sh -c "'$IDX' --check '$I' | grep -q 'ok: generation 1, 2 segments'"
check "segment 1 is the old standalone file" test -f "$I.d/1.seg.ibid"

# ---- change a file, remove a file, --remove ----
sed -i '3s/$/ Quetzalcoatlish/' "$S/001_75613f31623f3fe6.txt"
"$IDX" -o "$I" "$S" 2>"$TMP/err"
expect_eq "change exit status" "$?" 0
check "change summary" grep -qE '^ibid-index: 0 added, 1 changed, 0 removed, 3 unchanged files' "$TMP/err"
check "change --check ok" "$IDX" --check "$I"
check "a deletion file was written" sh -c "ls '$I.d' | grep -q '\\.del\\.ibid\$'"
rm "$S/002_8ab7396e8091a3d3.txt"
"$IDX" -o "$I" "$S" 2>"$TMP/err"
check "vanished file removed" grep -qE '^ibid-index: 0 added, 0 changed, 1 removed, 3 unchanged files' "$TMP/err"
check "after removal --check ok" "$IDX" --check "$I"
"$IDX" -o "$I" --remove "$S/003_9f3c7597e57b37f0.txt" 2>"$TMP/err"
expect_eq "--remove exit status" "$?" 0
check "--remove summary" grep -qE ' 1 removed, ' "$TMP/err"
"$IDX" -o "$I" --remove "$S/nothing-like-it.txt" 2>"$TMP/err"
expect_eq "--remove of a file not in the index: exit 1" "$?" 1
check "--remove of a file not in the index: said so" grep -q "nothing-like-it.txt: not in " "$TMP/err"
# files outside this run's PATHs stay: index 003 alone, then the folder's files are still there
cp corpus/003_* "$S/"
"$IDX" -q -o "$I" "$S/003_9f3c7597e57b37f0.txt"
check "file argument --check ok" "$IDX" --check "$I"
live="$(passages "$I")"

# ---- --optimize: one file, the same passages as --full ----
"$IDX" -o "$I" --optimize 2>"$TMP/err"
expect_eq "--optimize exit status" "$?" 0
expect_eq "--optimize writes a standalone file" "$(head -c 7 "$I")" "IBIDIDX"
"$IDX" -q --full -o "$TMP/full.ibid" "$S"
expect_eq "--optimize passages == --full passages" "$(passages "$I")" "$(passages "$TMP/full.ibid")"
expect_eq "live passages kept by --optimize" "$(passages "$I")" "$live"
expect_eq "--optimize leaves only the lock in INDEX.d" "$(ls -A "$I.d")" "lock.ibid"
check "--full over a manifest-free index ok" "$IDX" --check "$TMP/full.ibid"

# ---- one writer: a second one with --no-wait exits 2 with the message ----
if command -v flock >/dev/null; then
  flock "$I.d/lock.ibid" sleep 3 &
  holder=$!
  sleep 0.5
  cp corpus/004_* "$S/"
  "$IDX" --no-wait -o "$I" "$S" 2>"$TMP/err"
  expect_eq "--no-wait while locked: exit 2" "$?" 2
  check "--no-wait message" grep -q "is being updated by another ibid-index" "$TMP/err"
  expect_eq "--no-wait wrote nothing" "$(head -c 7 "$I")" "IBIDIDX"
  # without --no-wait: waits (saying so once), then updates
  "$IDX" -o "$I" "$S" 2>"$TMP/err"
  expect_eq "waiting writer exit status" "$?" 0
  expect_eq "waiting writer said so once" "$(grep -c 'waiting for another ibid-index' "$TMP/err")" 1
  wait "$holder"
  check "after waiting --check ok" "$IDX" --check "$I"
else
  echo "note: flock(1) missing: the lock test is skipped"
fi

# ---- kill -9 in the middle of updates: the previous generation stays intact ----
big="$TMP/big"
mkdir -p "$big"
for k in 1 2 3 4 5 6; do cp corpus/002_8ab7396e8091a3d3.txt "$big/copy$k.txt"; done
"$IDX" -q -o "$I" "$S" "$big"
before="$(passages "$I")"
bad=0
for delay in 0.02 0.05 0.1 0.2 0.3; do
  for k in 1 2 3 4 5 6; do echo "edit $delay" >>"$big/copy$k.txt"; done
  "$IDX" -q -o "$I" "$S" "$big" 2>/dev/null &
  w=$!
  sleep "$delay"
  kill -KILL "$w" 2>/dev/null
  wait "$w" 2>/dev/null
  "$IDX" --check "$I" >/dev/null 2>"$TMP/err" || { bad=$((bad + 1)); fail "after kill at $delay s: $(cat "$TMP/err")"; }
done
expect_eq "index valid after every kill" "$bad" 0
"$IDX" -o "$I" "$S" "$big" 2>"$TMP/err"
expect_eq "the next run after the kills succeeds" "$?" 0
check "valid after the next run" "$IDX" --check "$I"
expect_eq "same live passages as before the edits" "$(passages "$I")" "$before"
# nothing the generation does not name is left in INDEX.d (but the lock)
if [ "$(head -c 7 "$I")" != "IBIDIDX" ]; then
  named="$(sed -nE 's/^segment ([0-9]+) .*/\1.seg.ibid/p' "$I" | sort)"
  onseg="$(ls "$I.d" | grep '\.seg\.ibid$' | sort)"
  expect_eq "only named segments in INDEX.d" "$onseg" "$named"
fi
check "no temporary files left" sh -c "! ls -a '$TMP' '$I.d' | grep -q '\\.tmp\\.'"

# ---- the synonyms sidecar reflects every live file, not only this run's ----
mkdir -p "$TMP/syn/a" "$TMP/syn/b"
cp corpus/000_* corpus/ibid-synonyms.txt "$TMP/syn/a/"
cp corpus/001_* "$TMP/syn/b/"
"$IDX" -q -o "$TMP/syn.ibid" "$TMP/syn/a"
"$IDX" -q -o "$TMP/syn.ibid" "$TMP/syn/b"
check "an update over another folder keeps the first folder's synonyms" cmp -s "$TMP/syn.ibid.synonyms" corpus/ibid-synonyms.txt
"$IDX" -q -o "$TMP/syn.ibid" --remove "$TMP/syn/a/000_b36bc166d576b6e2.txt"
expect_eq "the synonyms go with the last file of their folder" "$(stat -c %s "$TMP/syn.ibid.synonyms")" 0

# ---- a --memory budget gives the same index as none ----
"$IDX" -q --full -o "$TMP/budget.ibid" --memory 1 corpus/
"$IDX" -q --full -o "$TMP/nobudget.ibid" corpus/
expect_eq "--memory 1: same passages" "$(passages "$TMP/budget.ibid")" "$(passages "$TMP/nobudget.ibid")"
q="Latin America trade"
expect_eq "--memory 1: same results" "$("$SRCH" -i "$TMP/budget.ibid" --json -n 20 "$q" | md5sum)" \
  "$("$SRCH" -i "$TMP/nobudget.ibid" --json -n 20 "$q" | md5sum)"
expect_eq "--memory 1: no run segments left" "$(ls -A "$TMP/budget.ibid.d")" "lock.ibid"
# ---- an index that cannot be updated (older format, damaged) is rebuilt from the PATHs ----
cp "$TMP/nobudget.ibid" "$TMP/old.ibid"
printf '\002' | dd of="$TMP/old.ibid" bs=1 seek=8 conv=notrunc 2>/dev/null # format version 2
"$IDX" -q -o "$TMP/old.ibid" corpus/ 2>"$TMP/err"
expect_eq "an old-format index: rebuilt, exit 0" "$?" 0
check "an old-format index: says it rebuilds" grep -q "rebuilding it from the PATHs given" "$TMP/err"
check "an old-format index: valid after" "$IDX" --check "$TMP/old.ibid"
expect_eq "an old-format index: same passages as a full build" "$(passages "$TMP/old.ibid")" "$(passages "$TMP/nobudget.ibid")"
# ---- --check recomputes what a deletion file claims (a forged token count, crc repaired) ----
"$IDX" -q --full -o "$TMP/chk.ibid" corpus/
"$IDX" -q -o "$TMP/chk.ibid" --remove corpus/003_9f3c7597e57b37f0.txt
del="$(ls "$TMP/chk.ibid.d/"*.del.ibid)"
check "--check: a deletion file as written is ok" "$IDX" --check "$TMP/chk.ibid"
python3 - "$del" <<'PY'
import struct, sys, zlib
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
struct.pack_into('<Q', b, 16, struct.unpack_from('<Q', b, 16)[0] + 1)  # deleted tokens + 1
struct.pack_into('<I', b, len(b) - 4, zlib.crc32(bytes(b[:-4])))
open(p, 'wb').write(b)
PY
"$IDX" --check "$TMP/chk.ibid" >/dev/null 2>"$TMP/err"
expect_eq "--check: a forged deletion file fails" "$?" 2
check "--check: says the statistics would be wrong" grep -q "statistics would be wrong" "$TMP/err"
finish
