#!/usr/bin/env bash
# index_cli.sh - ibid-index writing, checking and protecting an index: summary line, --check,
# exit codes, an old index left intact by a failed rebuild, no temporary files left behind.
source "$(dirname "$0")/lib.bash"

I="$TMP/corpus.ibid"
"$IDX" -o "$I" corpus/ 2>"$TMP/err"
expect_eq "index corpus/ exit status" "$?" 0
check "summary line names passages, terms and the index" \
  grep -qE '^ibid-index: 5 files, [0-9]+ passages, [0-9]+ terms, .* MB index .* -> ' "$TMP/err"
check "index written" test -s "$I"
"$IDX" --check "$I" >"$TMP/check.out" 2>&1
expect_eq "--check exit status" "$?" 0
check "--check reports ok" grep -q ": ok: " "$TMP/check.out"
"$IDX" -q -o "$I" corpus/ 2>"$TMP/err"
expect_eq "-q rebuild exit status" "$?" 0
expect_eq "-q prints nothing" "$(cat "$TMP/err")" ""

# a failed rebuild (a PATH that does not exist) leaves the old index byte for byte
cp "$I" "$TMP/before.ibid"
"$IDX" -o "$I" corpus/ "$TMP/nope" 2>/dev/null
expect_eq "rebuild with a missing PATH exit status" "$?" 2
check "old index intact after a failed rebuild" cmp -s "$I" "$TMP/before.ibid"

# an unwritable target folder: exit 2, one message, nothing left behind
mkdir -p "$TMP/ro"
chmod 555 "$TMP/ro"
if [ "$(id -u)" -ne 0 ]; then
  "$IDX" -o "$TMP/ro/x.ibid" corpus/ 2>"$TMP/err"
  expect_eq "unwritable target exit status" "$?" 2
  check "unwritable target reported" grep -q "cannot write the index" "$TMP/err"
fi
check "no temporary files left" sh -c "! ls -a '$TMP' '$TMP/ro' | grep -q '\\.tmp\\.'"

# --check on damaged files: exit 2 with one line, never a crash
head -c 1000 "$I" >"$TMP/trunc.ibid"
"$IDX" --check "$TMP/trunc.ibid" >/dev/null 2>"$TMP/err"
expect_eq "--check on a truncated index" "$?" 2
expect_eq "one line for a truncated index" "$(wc -l <"$TMP/err")" 1
printf 'not an index at all\n' >"$TMP/junk.ibid"
"$IDX" --check "$TMP/junk.ibid" >/dev/null 2>"$TMP/err"
expect_eq "--check on junk" "$?" 2
"$IDX" --check "$TMP/missing.ibid" >/dev/null 2>"$TMP/err"
expect_eq "--check on a missing index" "$?" 2

# a file as PATH, forced formats, plain text
printf 'Title: A Small Book\n\nThe first paragraph\nruns over two lines.\n\nThe second.\n' >"$TMP/small.txt"
"$IDX" --print-passages "$TMP/small.txt" >"$TMP/small.jsonl"
expect_eq "a file as PATH" "$?" 0
expect_eq "plain paragraphs" "$(jq -r .text "$TMP/small.jsonl" | tail -2 | tr '\n' '|')" \
  "The first paragraph runs over two lines.|The second.|"
"$IDX" --format bogus --print-passages "$TMP/small.txt" >/dev/null 2>&1
expect_eq "unknown --format" "$?" 2

finish
