#!/usr/bin/env bash
# search_cli.sh - ibid-search's command line on an index of corpus/: exit codes, the index
# lookup (-i, $IBID_INDEX, missing index), every output format's shape, --count, --offset,
# --batch against one search per query, colour, --help and --version.
source "$(dirname "$0")/lib.bash"

I="$TMP/corpus.ibid"
"$IDX" -q -o "$I" corpus/ || { fail "cannot index corpus/"; finish; exit 1; }
S=("$SRCH" -i "$I")

# exit codes: 0 matched, 1 nothing, 2 error; stdout carries results only
"${S[@]}" "Great Stone residents" >"$TMP/out" 2>"$TMP/err"
expect_eq "a matching query exits 0" "$?" 0
check "text output has hits" test -s "$TMP/out"
expect_eq "nothing on stderr" "$(cat "$TMP/err")" ""
"${S[@]}" qwxzvyq >"$TMP/out" 2>/dev/null
expect_eq "a query matching nothing exits 1" "$?" 1
expect_eq "nothing on stdout when nothing matches" "$(cat "$TMP/out")" ""
"${S[@]}" -- -China >"$TMP/out" 2>"$TMP/err"
expect_eq "only excluded words exit 1" "$?" 1
check "only excluded words warn on stderr" test -s "$TMP/err"
"$SRCH" -i "$TMP/missing.ibid" x >"$TMP/out" 2>"$TMP/err"
expect_eq "a missing index exits 2" "$?" 2
expect_eq "a missing index: one line" "$(wc -l <"$TMP/err")" 1
check "a missing index: says how to build one" grep -q "ibid-index -o" "$TMP/err"
"${S[@]}" --no-such-option x >/dev/null 2>&1
expect_eq "an unknown option exits 2" "$?" 2
"${S[@]}" -n -3 x >/dev/null 2>&1
expect_eq "a negative limit exits 2" "$?" 2
"${S[@]}" >/dev/null 2>&1
expect_eq "no query exits 2" "$?" 2
IBID_INDEX="$I" "$SRCH" --format grep -n 1 potash >"$TMP/out"
expect_eq "\$IBID_INDEX finds the index" "$?" 0
"${S[@]}" --help >"$TMP/help"
expect_eq "--help exits 0" "$?" 0
for o in --index --limit --offset --count --json --format --batch --explain --k1 --b --color --help --version; do
  check "--help documents $o" grep -q -- "$o" "$TMP/help"
done
check "--version" sh -c "'$SRCH' --version | grep -q '^ibid-search [0-9]'"

# formats
"${S[@]}" --format trec -n 5 potash Brazil >"$TMP/trec"
check "trec: six columns, qid 1, Q0, rank 1..n, tag ibid" \
  awk 'NF != 6 || $1 != "1" || $2 != "Q0" || $4 != NR || $6 != "ibid" || $3 !~ /^corpus\/.*:[0-9]+$/ { exit 1 }' "$TMP/trec"
expect_eq "trec: -n 5 gives 5 lines" "$(wc -l <"$TMP/trec")" 5
"${S[@]}" --format tsv -n 5 potash Brazil >"$TMP/tsv"
expect_eq "tsv header" "$(head -1 "$TMP/tsv")" \
  "$(printf 'qid\trank\tscore\tfile\tline\tend_line\tkind\twork\tchapter\tpage\tparagraph\tfootnote\ttext\tduplicates')"
check "tsv: 14 columns on every line" awk -F'\t' 'NF != 14 { exit 1 }' "$TMP/tsv"
expect_eq "tsv: header and 5 hits" "$(wc -l <"$TMP/tsv")" 6
"${S[@]}" --format grep -n 5 potash Brazil >"$TMP/grep"
check "grep: file:line:text" awk '!/^corpus\/[^:]+:[0-9]+:./ { exit 1 }' "$TMP/grep"
"${S[@]}" --json -n 5 potash Brazil >"$TMP/json"
if command -v jq >/dev/null; then
  check "json: every line parses and has the citation fields" \
    jq -e 'has("qid") and has("rank") and has("score") and has("file") and has("line") and has("work")
           and has("chapter") and has("page") and has("paragraph") and has("footnote") and has("cites")
           and has("snippet") and has("highlights")' "$TMP/json"
  expect_eq "json: ranks 1..5" "$(jq -r .rank "$TMP/json" | tr '\n' ' ')" "1 2 3 4 5 "
  expect_eq "json and trec agree" "$(jq -r '.file + ":" + (.line|tostring)' "$TMP/json")" "$(cut -d' ' -f3 "$TMP/trec")"
  check "json: highlights are offsets of query words in text" \
    jq -e '[.highlights[] as $h | .text[$h[0]:$h[1]] | ascii_downcase | test("potash|brazil")] | all' "$TMP/json"
fi

# --explain and the BM25 options: with k1 = 0 a term scores exactly its idf
if command -v jq >/dev/null; then
  "${S[@]}" --json --explain --k1 0 -n 1 potash >"$TMP/ex"
  check "--explain: the parsed query and the terms" jq -e '.query == "potash" and (.explain | length) == 1' "$TMP/ex"
  check "--k1 0: score = idf" jq -e '(.score - .explain[0].idf) | fabs < 0.0001' "$TMP/ex"
  a=$("${S[@]}" --json -n 1 --b 0 potash | jq .score)
  b=$("${S[@]}" --json -n 1 --b 1 potash | jq .score)
  check "--b changes the scores" test "$a" != "$b"
fi
"${S[@]}" --k1 -1 x >/dev/null 2>&1
expect_eq "a negative k1 exits 2" "$?" 2
"${S[@]}" --b 1.5 x >/dev/null 2>&1
expect_eq "b above 1 exits 2" "$?" 2
"${S[@]}" --explain -n 1 potash >"$TMP/ext"
check "--explain text: starts with the parsed query" sh -c "head -1 '$TMP/ext' | grep -q '^query: potash'"
check "--explain text: explain lines" grep -q "explain: .* = potash (idf" "$TMP/ext"

# --count and --offset
n=$("${S[@]}" --count potash)
expect_eq "--count equals the number of hits" "$n" "$("${S[@]}" --format trec -n 100000 potash | wc -l)"
expect_eq "--offset 2 -n 1 is rank 3" "$("${S[@]}" --format trec --offset 2 -n 1 potash | cut -d' ' -f3,4)" \
  "$("${S[@]}" --format trec -n 3 potash | sed -n 3p | cut -d' ' -f3,4)"

# --batch equals one search per query (qids given, and numbered lines)
printf 'a1\tGreat Stone residents\nb2\tpotash fertilizer Brazil\nc3\t"Great Stone" +BUTB\nd4\tqwxzvyq\n' >"$TMP/q"
"${S[@]}" --batch --format trec -n 7 <"$TMP/q" >"$TMP/batch"
expect_eq "--batch exit status" "$?" 0
: >"$TMP/single"
while IFS=$'\t' read -r qid q; do
  "${S[@]}" --format trec -n 7 "$q" | sed "s/^1 /$qid /" >>"$TMP/single"
done <"$TMP/q"
check "--batch equals one search per query" cmp -s "$TMP/batch" "$TMP/single"
printf 'Great Stone\nBELAZ dump trucks\n' | "${S[@]}" --batch --format trec -n 1 >"$TMP/batch"
expect_eq "--batch numbers queries without qids" "$(cut -d' ' -f1 "$TMP/batch" | tr '\n' ' ')" "1 2 "
printf 'qwxzvyq\n' | "${S[@]}" --batch >/dev/null
expect_eq "--batch with no match exits 1" "$?" 1

# colour: never when piped unless asked, and NO_COLOR is honoured for auto
ESC=$(printf '\033')
"${S[@]}" -n 2 potash >"$TMP/plain"
check "no colour when piped" sh -c "! grep -q '$ESC' '$TMP/plain'"
"${S[@]}" --color=always -n 2 potash >"$TMP/colour"
check "--color=always colours" grep -q "$ESC" "$TMP/colour"
"${S[@]}" --color=never -n 2 potash >"$TMP/never"
check "--color=never" cmp -s "$TMP/plain" "$TMP/never"

finish
