#!/usr/bin/env bash
# search_quality.sh - issue 6 end to end on corpus/: variant names (corpus/ibid-synonyms.txt,
# --no-synonyms, --synonyms FILE, quoted text exact), near-duplicate grouping in every format
# and --all, did-you-mean on stderr and in --json, and the pruned ranking equal to the
# exhaustive one with synonyms and the title bonus.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "jq not installed: skipped"; exit 0; }

I="$TMP/corpus.ibid"
"$IDX" -q -o "$I" corpus/ || { fail "cannot index corpus/"; finish; exit 1; }
S=("$SRCH" -i "$I")

# --- variant names -------------------------------------------------------------------------
# Great Stone residents finds the passages that call the park Velikiy Kamen (000:1136)
"${S[@]}" --json --all -n 30 "Great Stone residents" >"$TMP/gs"
check "Great Stone residents: Velikiy Kamen passages among the first 30" \
  jq -e -s 'map(select(.text | test("Velikiy Kamen"))) | length > 0' "$TMP/gs"
"${S[@]}" --json --all -n 30 --no-synonyms "Great Stone residents" >"$TMP/gs0"
check "--no-synonyms: no Velikiy Kamen passage without the words great or stone" \
  jq -e -s 'map(select((.text | test("Velikiy Kamen")) and ((.text | ascii_downcase | test("great|stone")) | not))) | length == 0' "$TMP/gs0"
n1=$("${S[@]}" --count "Ulan Bator")
n0=$("${S[@]}" --count --no-synonyms "Ulan Bator")
check "Ulan Bator: more passages with synonyms (Ulaanbaatar) than without ($n1 > $n0)" test "$n1" -gt "$n0"
q1=$("${S[@]}" --count '"Great Stone"')
q0=$("${S[@]}" --count --no-synonyms '"Great Stone"')
expect_eq "a quoted phrase stays exact" "$q1" "$q0"
"${S[@]}" --explain --format trec -n 1 "BUTB Mongolia" >/dev/null 2>"$TMP/ex"
check "--explain shows the synonyms group" grep -q "(SYN butb buce" "$TMP/ex"
printf 'potash = fertilizer\n' >"$TMP/syn.txt"
p1=$("${S[@]}" --count --synonyms "$TMP/syn.txt" potash)
p0=$("${S[@]}" --count potash)
check "--synonyms FILE: its groups apply ($p1 > $p0)" test "$p1" -gt "$p0"
"${S[@]}" --count --synonyms "$TMP/nonexistent.txt" potash >/dev/null 2>&1
expect_eq "--synonyms with a missing file: exit 2" "$?" 2

# --- near-duplicates: 000:1709 and 002:635 are the same paragraph (corpus-format.md section 8)
Q="BSU new level of cooperation with Peking University"
"${S[@]}" --json -n 5 "$Q" >"$TMP/dup"
check "grouped: the 000/002 pair is one hit with a duplicates array" \
  jq -e -s 'map(select(.duplicates | map(.file + ":" + (.line | tostring)) | any(test("^corpus/00[02]_.*:(635|1709)$")))) | length == 1' "$TMP/dup"
check "grouped: every hit has a duplicates array of citations" \
  jq -e '(.duplicates | type == "array") and all(.duplicates[]; has("file") and has("line") and has("work") and has("chapter") and has("page") and has("paragraph") and has("footnote") and has("score"))' "$TMP/dup"
check "grouped: no copy listed as a hit of its own" \
  jq -e -s '[.[] | .file + ":" + (.line | tostring)] as $hits | [.[] | .duplicates[] | .file + ":" + (.line | tostring)] | all(. as $d | $hits | index($d) | not)' "$TMP/dup"
"${S[@]}" --json --all -n 5 "$Q" >"$TMP/all"
check "--all: both copies are hits" \
  jq -e -s 'map(select((.file | test("00[02]_")) and (.line == 635 or .line == 1709))) | length == 2' "$TMP/all"
check "--all: no duplicates member" jq -e 'has("duplicates") | not' "$TMP/all"
"${S[@]}" -n 5 "$Q" >"$TMP/text"
check "text: the copy's citation under the hit" grep -q "^   also: \[.*\] .*:\(635\|1709\)$" "$TMP/text"
"${S[@]}" --format tsv -n 5 "$Q" >"$TMP/tsv"
check "tsv: 14 columns, one line per group" awk -F'\t' 'NF != 14 { exit 1 }' "$TMP/tsv"
expect_eq "tsv: one line per group" "$(wc -l <"$TMP/tsv")" 6
g=$("${S[@]}" --format trec -n 5 "$Q" | wc -l)
check "trec: the copies are lines of their own ($g lines for 5 groups)" test "$g" -gt 5

# --- did-you-mean --------------------------------------------------------------------------
"${S[@]}" --json -n 3 "Veliki Kamen" >"$TMP/dym" 2>"$TMP/dym.err"
check "did you mean on stderr" grep -q "^ibid-search: did you mean: Velikiy Kamen?$" "$TMP/dym.err"
check "did you mean in --json on every hit" jq -e '.suggestion == "Velikiy Kamen"' "$TMP/dym"
expect_eq "did you mean: stdout holds hits only" "$(jq -c 'select(has("rank") | not)' "$TMP/dym" | wc -l)" 0
"${S[@]}" -n 1 --no-suggest "Veliki Kamen" >/dev/null 2>"$TMP/dym0"
check "--no-suggest: no message" sh -c "! grep -q 'did you mean' '$TMP/dym0'"
"${S[@]}" -n 1 "Great Stone residents" >/dev/null 2>"$TMP/dym1"
check "known words: no suggestion" sh -c "! grep -q 'did you mean' '$TMP/dym1'"

# --- pruned = exhaustive with synonyms and the title bonus -----------------------------------
cut -f1,2 bench/judged/corpus-queries.tsv >"$TMP/queries"
"${S[@]}" --batch --all --no-suggest --format trec -n 20 <"$TMP/queries" >"$TMP/pruned"
"${S[@]}" --batch --all --no-suggest --format trec -n 20 --exhaustive <"$TMP/queries" >"$TMP/exh"
check "pruned = exhaustive on the judged queries (synonyms, title bonus)" cmp -s "$TMP/pruned" "$TMP/exh"
"${S[@]}" --batch --no-suggest --format trec -n 7 <"$TMP/queries" >"$TMP/prunedg"
"${S[@]}" --batch --no-suggest --format trec -n 7 --exhaustive <"$TMP/queries" >"$TMP/exhg"
check "pruned = exhaustive, grouped" cmp -s "$TMP/prunedg" "$TMP/exhg"

finish
