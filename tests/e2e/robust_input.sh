#!/usr/bin/env bash
# robust_input.sh - hostile input to both programs: each case gets a clear message on stderr,
# bounded time (timeout) and memory (ulimit -v; not in the ASan build, whose shadow memory
# needs terabytes of address space), never a crash, and nothing already indexed is lost.
#   ingestion: NUL bytes early (binary, skipped) and late (replaced, reported with the line),
#     invalid UTF-8, a symbolic link loop, a FIFO, an unreadable file (as root, chmod 000
#     does not stop root: the case runs as user nobody through setpriv, else it is skipped
#     with a note), a corpus PATH that is a file, only unreadable inputs (the old index is
#     kept), 50 MB without a newline (10 MB in the ASan build), 54 MB of two-letter words on
#     one line (18 million tokens in one passage: the words past 2^24 are not indexed, with a
#     warning, and the build goes on), 300 made-up spellings of one stem (past 256 they are not
#     indexed, with a warning), a file over 2 GiB (sparse), a full disk (a 768 KiB tmpfs; skipped when
#     mount is not permitted);
#   queries: 1 MB (through --batch: one argument cannot hold 1 MB), 10,000 words, 10,000 nested
#     parentheses, 10,000 unmatched ones, invalid UTF-8 in a query.
source "$(dirname "$0")/lib.bash"

asan=0
grep -q '^IBID_SANITIZE:BOOL=ON' "$BIN/CMakeCache.txt" 2>/dev/null && asan=1
# run LIMIT_SECONDS COMMAND...: with a timeout and (outside ASan) 2 GiB of address space
run() {
  local t="$1"; shift
  if [ $asan -eq 1 ]; then
    timeout "$t" "$@"
  else
    ( ulimit -v 2097152; exec timeout "$t" "$@" )
  fi
}
# no_crash DESCRIPTION STATUS: a status of 124 is a timeout, >= 128 a signal
no_crash() {
  if [ "$2" -eq 124 ]; then fail "$1: timed out";
  elif [ "$2" -ge 128 ]; then fail "$1: killed by signal $(( $2 - 128 ))";
  else ok; fi
}
has() { grep -q -- "$2" "$1"; }

C="$TMP/c"
mkdir -p "$C"
sed -n 1,60p corpus/000_b36bc166d576b6e2.txt >"$C/good.txt"
printf 'hello\0world, binary from the start\n' >"$C/nul_early.txt"
{ sed -n 1,200p corpus/001_75613f31623f3fe6.txt; printf 'Zanzibarish after\0a NUL byte\n'; } >"$C/nul_late.txt"
printf 'caf\xe9 ol\xc3\x28 \xff\xfe Quetzalcoatlish text\n\nsecond paragraph\n' >"$C/bad_utf8.txt"
ln -s loop2 "$C/loop1"
ln -s loop1 "$C/loop2"
ln -s . "$C/self"
mkfifo "$C/fifo"

# ---- a folder of hostile files: every problem reported, the rest indexed ----
I="$TMP/a.ibid"
run 60 "$IDX" -o "$I" "$C" 2>"$TMP/err"
rc=$?
no_crash "hostile folder" $rc
expect_eq "hostile folder: exit 1 (some input skipped)" "$rc" 1
check "binary file reported" has "$TMP/err" "nul_early.txt: binary file, skipped"
check "NUL byte later reported with its line" has "$TMP/err" "nul_late.txt:201: invalid UTF-8, replaced"
check "invalid UTF-8 reported with its line" has "$TMP/err" "bad_utf8.txt:1: invalid UTF-8, replaced"
check "symbolic link loop reported" has "$TMP/err" "loop1: .*Too many levels of symbolic links"
# (the FIFO inside the folder is passed over like other special files: no hang is the test)
check "index of the rest valid" "$IDX" --check "$I"
for w in Zanzibarish Quetzalcoatlish Latin; do
  check "text of the readable files found: $w" "$SRCH" -i "$I" "$w"
done
"$SRCH" -i "$I" --json "Quetzalcoatlish" >"$TMP/out"
if command -v jq >/dev/null; then
  check "replaced bytes come out as valid JSON" jq -e '.text | test("\ufffd")' "$TMP/out"
fi

# ---- a corpus PATH that is a file; a PATH that is a FIFO; only unreadable inputs ----
run 60 "$IDX" -o "$TMP/one.ibid" "$C/good.txt" 2>"$TMP/err"
expect_eq "a file as PATH: exit 0" "$?" 0
check "a file as PATH: indexed" "$SRCH" -i "$TMP/one.ibid" Latin
cp "$I" "$TMP/before.ibid"
run 60 "$IDX" -o "$I" "$C/fifo" "$C/nul_early.txt" 2>"$TMP/err"
rc=$?
no_crash "only unreadable inputs" $rc
expect_eq "only unreadable inputs: exit 2" "$rc" 2
check "only unreadable inputs: said so" has "$TMP/err" "no input could be read"
check "a FIFO as PATH reported" has "$TMP/err" "fifo: not a regular file"
check "only unreadable inputs: old index kept byte for byte" cmp -s "$I" "$TMP/before.ibid"
run 10 "$IDX" -o "$I" /dev/zero 2>"$TMP/err"
expect_eq "/dev/zero as PATH: exit 2 (not a regular file, nothing read)" "$?" 2
check "/dev/zero as PATH: old index kept" cmp -s "$I" "$TMP/before.ibid"

# ---- an unreadable file ----
chmod 000 "$C/good.txt"
if [ "$(id -u)" -ne 0 ]; then
  run 60 "$IDX" -o "$TMP/u.ibid" "$C" 2>"$TMP/err"
  expect_eq "unreadable file: exit 1" "$?" 1
  check "unreadable file reported" has "$TMP/err" "good.txt: .*Permission denied"
elif command -v setpriv >/dev/null && setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null &&
     setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$IDX"; then
  chmod 777 "$TMP"
  setpriv --reuid=nobody --regid=nogroup --clear-groups "$IDX" -o "$TMP/u.ibid" "$C" 2>"$TMP/err"
  expect_eq "unreadable file (as nobody): exit 1" "$?" 1
  check "unreadable file reported (as nobody)" has "$TMP/err" "good.txt: .*Permission denied"
  chmod 700 "$TMP"
else
  echo "note: running as root without a usable setpriv: the unreadable-file case is skipped"
fi
chmod 644 "$C/good.txt"

# ---- 50 MB without a newline: real text, then two-letter words ----
mkdir -p "$TMP/big"
if [ $asan -eq 1 ]; then mb=10; else mb=50; fi
tr '\n' ' ' <corpus/002_8ab7396e8091a3d3.txt >"$TMP/line"
: >"$TMP/big/huge.txt"
while [ "$(stat -c %s "$TMP/big/huge.txt")" -lt $((mb * 1000000)) ]; do cat "$TMP/line" >>"$TMP/big/huge.txt"; done
cp "$C/good.txt" "$TMP/big/"
run 300 "$IDX" -o "$TMP/big.ibid" "$TMP/big" 2>"$TMP/err"
rc=$?
no_crash "$mb MB without a newline" $rc
expect_eq "$mb MB without a newline: exit 0" "$rc" 0
check "$mb MB without a newline: searchable" "$SRCH" -i "$TMP/big.ibid" "Great Stone residents"
check "$mb MB without a newline: other file searchable" "$SRCH" -i "$TMP/big.ibid" "Latin"
rm -f "$TMP/big/huge.txt"
cp "$TMP/big.ibid" "$TMP/big.before"
yes ab | head -n $((mb * 360000)) | tr '\n' ' ' >"$TMP/big/words.txt" # 18 M words in 54 MB
run 300 "$IDX" -o "$TMP/big.ibid" "$TMP/big" 2>"$TMP/err"
rc=$?
no_crash "$mb MB of short words on one line" $rc
if [ $mb -ge 50 ]; then
  # 18 million words in one passage: the words past 2^24 are not indexed, with a warning; the
  # build goes on (it used to fail as a whole: "size limit exceeded")
  expect_eq "short words: exit 0" "$rc" 0
  check "short words: the cut is reported" has "$TMP/err" "words.txt:1: passage of more than 16777216 words"
fi
check "short words: index valid" "$IDX" --check "$TMP/big.ibid"
check "short words: other file searchable" "$SRCH" -i "$TMP/big.ibid" "Latin"
check "short words: the words searchable" "$SRCH" -i "$TMP/big.ibid" "ab"
rm -rf "$TMP/big" "$TMP/line"

# ---- 300+ made-up spellings of one stem (kalamazoobrix + derivational and inflectional
# suffixes: Snowball English reduces 307 of these 560 words to "kalamazoobrix"); the index keeps
# 256 spellings per stem: the others are not indexed, with one warning, and the build goes on
mkdir -p "$TMP/forms"
cp "$C/good.txt" "$TMP/forms/"
for a in '' ate ation ational ative alize alization ality al ful fulness ness ism ist ive iveness \
         ous ousness ment ence ance er ic able ible ant ent ize ization ity iviti li bli logi enci \
         anci izer ator ement ical icate iciti alism aliti ousli entli eli fulli lessli ations ators; do
  for b in '' s ed ing ly edly ingly es eed eedly; do printf 'kalamazoobrix%s%s ' "$a" "$b"; done
done >"$TMP/forms/spellings.txt"
run 60 "$IDX" -o "$TMP/forms.ibid" "$TMP/forms" 2>"$TMP/err"
rc=$?
no_crash "300 spellings of one stem" $rc
expect_eq "300 spellings of one stem: exit 0 (it used to fail the whole build)" "$rc" 0
check "300 spellings of one stem: reported" has "$TMP/err" "spellings.txt:1: a word stem with more than 256 spellings"
check "300 spellings of one stem: index valid" "$IDX" --check "$TMP/forms.ibid"
check "300 spellings of one stem: the stem found" "$SRCH" -i "$TMP/forms.ibid" kalamazoobrix
check "300 spellings of one stem: the other file found" "$SRCH" -i "$TMP/forms.ibid" Latin
rm -rf "$TMP/forms"

# ---- a file over the 2 GiB limit (sparse: no disk used): skipped with a message, unread ----
mkdir -p "$TMP/huge"
cp "$C/good.txt" "$TMP/huge/"
if truncate -s 2200M "$TMP/huge/sparse.txt" 2>/dev/null; then
  run 60 "$IDX" -o "$TMP/huge.ibid" "$TMP/huge" 2>"$TMP/err"
  rc=$?
  no_crash "file over 2 GiB" $rc
  expect_eq "file over 2 GiB: exit 1 (skipped)" "$rc" 1
  check "file over 2 GiB: reported" has "$TMP/err" "sparse.txt: "
  check "file over 2 GiB: the rest indexed" "$SRCH" -i "$TMP/huge.ibid" Latin
fi
rm -rf "$TMP/huge"

# ---- hostile queries ----
Q="$TMP/a.ibid"
head -c 1100000 /dev/zero | tr '\0' 'x' | sed 's/xxxxxx/Latin /g' | { printf '1\t'; cat; printf '\n2\tLatin America\n'; } >"$TMP/q1m"
run 20 "$SRCH" -i "$Q" --batch --format grep -n 1 <"$TMP/q1m" >"$TMP/out" 2>"$TMP/err"
rc=$?
no_crash "1 MB query" $rc
expect_eq "1 MB query: exit 2 (a query was refused)" "$rc" 2
check "1 MB query: the limit is named" has "$TMP/err" "longer than 65536 bytes"
check "1 MB query: the next query still answered" grep -q "good.txt" "$TMP/out"
words="$(seq -f 'w%g' 1 10000 | tr '\n' ' ')"
# shellcheck disable=SC2086
run 20 "$SRCH" -i "$Q" $words >/dev/null 2>"$TMP/err"
rc=$?
no_crash "10,000 words" $rc
expect_eq "10,000 words: exit 2" "$rc" 2
check "10,000 words: the limit is named" has "$TMP/err" "too many words (the limit is 1024)"
expect_eq "10,000 words: one line" "$(wc -l <"$TMP/err")" 1
open="$(head -c 10000 /dev/zero | tr '\0' '(')"
close="$(head -c 10000 /dev/zero | tr '\0' ')')"
run 20 "$SRCH" -i "$Q" "${open}Latin${close}" >/dev/null 2>"$TMP/err"
rc=$?
no_crash "10,000 nested parentheses" $rc
expect_eq "10,000 nested parentheses: exit 2" "$rc" 2
check "10,000 nested parentheses: the limit is named" has "$TMP/err" "nested too deeply (the limit is 64)"
run 20 "$SRCH" -i "$Q" "${open}Latin" >/dev/null 2>"$TMP/err"
no_crash "10,000 unmatched parentheses" $?
run 20 "$SRCH" -i "$Q" "$(printf 'caf\xe9 \xff\xfe Latin')" >/dev/null 2>"$TMP/err"
rc=$?
no_crash "invalid UTF-8 in a query" $rc
expect_eq "invalid UTF-8 in a query: still answered" "$rc" 0

# ---- a full disk: a 768 KiB tmpfs holds one index of corpus/ (0.5 MB) but not two ----
M="$TMP/mnt"
mkdir -p "$M"
if mount -t tmpfs -o size=768k tmpfs "$M" 2>/dev/null; then
  run 60 "$IDX" -q -o "$M/c.ibid" corpus/
  expect_eq "full disk: first build fits" "$?" 0
  cp "$M/c.ibid" "$TMP/c.before"
  run 60 "$IDX" --full -o "$M/c.ibid" corpus/ 2>"$TMP/err" # a rebuild: an unchanged rerun writes nothing
  rc=$?
  no_crash "full disk" $rc
  expect_eq "full disk: exit 2" "$rc" 2
  check "full disk: reported" has "$TMP/err" "cannot write the index: .*No space left on device"
  expect_eq "full disk: one line" "$(wc -l <"$TMP/err")" 1
  check "full disk: old index kept" cmp -s "$M/c.ibid" "$TMP/c.before"
  check "full disk: old index valid" "$IDX" --check "$M/c.ibid"
  check "full disk: no temporary file left" sh -c "! ls -a '$M' | grep -q '\\.tmp\\.'"
  umount "$M"
else
  echo "note: mount -t tmpfs not permitted here: the full-disk case is skipped"
fi
finish
