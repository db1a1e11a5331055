#!/usr/bin/env bash
# query_syntax.sh - the query language of docs/query-syntax.md end to end on the bundled corpus:
# what each operator returns (phrases, +/-, filters and their combinations, NEAR, compounds,
# prefixes), odd input read as text with a warning, and the limits as one-line errors.
source "$(dirname "$0")/lib.bash"

I="$TMP/corpus.ibid"
"$IDX" -q -o "$I" corpus/ || { fail "cannot index corpus/"; finish; exit 1; }
# the language itself: without the variant names and the grouping of issue 6 (search_quality.sh)
S() { "$SRCH" -i "$I" --no-synonyms --all "$@"; }
count() { S --count -- "$1" 2>/dev/null; }
# the text column of every hit (tsv, no header), lower-cased
texts() { S --format tsv -n 10000 -- "$1" 2>/dev/null | tail -n +2 | cut -f13 | tr 'A-Z' 'a-z'; }

# --- phrases are exact and positional --------------------------------------------------------
n=$(count '"Great Stone"')
check "\"Great Stone\" matches (000:1117)" test "${n:-0}" -gt 0
expect_eq "every \"Great Stone\" hit holds the phrase" \
  "$(texts '"Great Stone"' | grep -cvE 'great[^a-z0-9]+stone')" 0
check "a phrase matches no more than its words" test "$n" -le "$(count 'Great AND Stone')"
check "quoted words are exact: \"residents\" < residents" \
  test "$(count '"residents"')" -lt "$(count 'residents')"

# --- + and - ---------------------------------------------------------------------------------
expect_eq "+BUTB -China: every hit has butb" "$(texts '+BUTB -China' | grep -cv 'butb')" 0
expect_eq "+BUTB -China: no hit has china" "$(texts '+BUTB -China' | grep -cw 'china')" 0
S -- -China >/dev/null 2>"$TMP/err"
expect_eq "-China alone matches nothing (exit 1)" "$?" 1
check "-China alone says why" grep -q "only excluded" "$TMP/err"

# --- filters ---------------------------------------------------------------------------------
fn=$(count 'in:footnotes'); bib=$(count 'in:bibliography'); txt=$(count 'in:text')
check "filters alone list passages" test "${fn:-0}" -gt 0 -a "${bib:-0}" -gt 0 -a "${txt:-0}" -gt 0
expect_eq "in:footnotes OR in:bibliography = either kind" \
  "$(count 'in:footnotes OR in:bibliography')" "$((fn + bib))"
expect_eq "in:footnotes in:bibliography side by side = either kind" \
  "$(count 'in:footnotes in:bibliography')" "$((fn + bib))"
expect_eq "-in:footnotes alone = every other passage" "$(count '-in:footnotes')" "$((txt + bib))"
S --format tsv -n 1 -- 'in:footnotes Byal GRAD' | tail -n +2 | cut -f4,5,7 >"$TMP/out"
expect_eq "in:footnotes Byal GRAD: the footnote 003:1327 first" "$(cat "$TMP/out")" \
  "$(printf 'corpus/003_9f3c7597e57b37f0.txt\t1327\tfootnote')"
expect_eq "in:footnotes: every hit is a footnote" \
  "$(S --format tsv -n 10000 -- 'in:footnotes potash' | tail -n +2 | cut -f7 | grep -cv '^footnote$')" 0
expect_eq "chapter:\"new era\": every chapter title has both words" \
  "$(S --format tsv -n 10000 -- 'chapter:"new era" park' | tail -n +2 | cut -f9 | tr 'A-Z' 'a-z' |
     grep -cvE '\bnew\b.*\bera\b|\bera\b.*\bnew\b')" 0

# --- compounds, numbers, prefixes, NEAR ------------------------------------------------------
texts 'co-operation' >"$TMP/coop"
check "co-operation finds the hyphenated spelling (000:17)" grep -q 'co-operation' "$TMP/coop"
check "co-operation finds the joined spelling" grep -qw 'cooperation' "$TMP/coop"
check "cooperat* finds at least what cooperation finds" \
  test "$(count 'cooperat*')" -ge "$(count 'cooperation')"
expect_eq "2023-2025 is a date range, not an exclusion (000:1451)" \
  "$(texts '2023-2025' | grep -cvE '2023[^0-9]{1,3}2025')" 0
check "2023-2025 matches" test "$(count '2023-2025')" -gt 0
expect_eq "potash NEAR/2 fertilizers: both words in every hit" \
  "$(texts 'potash NEAR/2 fertilizers' | grep -v 'potash' | grep -cv 'fertili')" 0
check "NEAR is stricter than AND" \
  test "$(count 'potash NEAR/2 fertilizers')" -le "$(count 'potash AND fertilizers')"

# --- odd input is text, with at most a warning -----------------------------------------------
for q in 'AND' 'a OR' 'NOT' '"Great Stone' '(Great Stone' 'Great Stone)' "Brazil's" 'C++' '-' \
         'info@belta.by' '$1.3bn' 'NEAR/5' '*' '((('; do
  S -- "$q" >/dev/null 2>"$TMP/err"
  rc=$?
  check "[$q] is read as text (exit $rc)" test "$rc" -le 1
  check "[$q] gives at most one line on stderr" test "$(wc -l <"$TMP/err")" -le 1
done
S -- '"Great Stone' >/dev/null 2>"$TMP/err"
check "an unmatched quote is reported" grep -q "unmatched quote" "$TMP/err"

# --- limits: one clear line, exit 2 ------------------------------------------------------------
S -- "$(printf '(%.0s' $(seq 10000))a" >/dev/null 2>"$TMP/err"
expect_eq "10,000 nested parentheses: exit 2" "$?" 2
check "10,000 nested parentheses: says why" grep -q "nested too deeply" "$TMP/err"
S -- $(yes ab | head -n 10000) >/dev/null 2>"$TMP/err"
expect_eq "10,000 words: exit 2" "$?" 2
check "10,000 words: says why" grep -q "too many words" "$TMP/err"
expect_eq "10,000 words: one line" "$(wc -l <"$TMP/err")" 1
S -- $(yes residents | head -n 100000) >/dev/null 2>"$TMP/err"
expect_eq "a 1 MB query: exit 2" "$?" 2
check "a 1 MB query: says why" grep -q "longer than" "$TMP/err"

finish
