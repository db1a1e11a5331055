#!/usr/bin/env bash
# search_ranking.sh - what ibid-search finds in corpus/: the industrial park's residents for
# "Great Stone residents", the footnote for Byal GRAD Sofia (003:935), quoted phrases only where
# they occur, filters, and the pruned ranking equal to the exhaustive one on many queries.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "jq not installed: skipped"; exit 0; }

I="$TMP/corpus.ibid"
"$IDX" -q -o "$I" corpus/ || { fail "cannot index corpus/"; finish; exit 1; }
S=("$SRCH" -i "$I")

# the first hits speak of residents of the Great Stone industrial park (003:1983, 003:2041, 004:972)
"${S[@]}" --json -n 3 "Great Stone residents" >"$TMP/gs"
expect_eq "Great Stone residents: 3 hits" "$(wc -l <"$TMP/gs")" 3
check "Great Stone residents: the top 3 name Great Stone (or a variant name) and its residents" \
  jq -e '.text | ascii_downcase | test("great stone|veliki?y kamen|industrial park") and test("resident")' "$TMP/gs"

# a footnote-only query returns the footnote of 003 that cites the Sofia conference
"${S[@]}" --json -n 3 Byal GRAD Sofia >"$TMP/byal"
check "Byal GRAD Sofia: a footnote of 003 among the first 3" \
  sh -c "jq -r 'select(.kind == \"footnote\") | .file' '$TMP/byal' | grep -q '^corpus/003_'"
"${S[@]}" --json -n 1 'in:footnotes Byal GRAD Sofia' >"$TMP/byal1"
expect_eq "in:footnotes Byal GRAD Sofia: first hit is a footnote" "$(jq -r .kind "$TMP/byal1")" footnote
check "in:footnotes Byal GRAD Sofia: it holds the words" jq -e '.text | test("Byal GRAD") and test("Sofia")' "$TMP/byal1"

# a quoted phrase returns only passages holding it, and all of them
"${S[@]}" --json --all -n 100000 '"Great Stone"' >"$TMP/phrase"
check "\"Great Stone\": every hit holds the phrase" \
  jq -e '.text | ascii_downcase | test("great[^a-z0-9]+stone")' "$TMP/phrase"
want=$("$IDX" --print-passages corpus/ 2>/dev/null | jq -c 'select(.text | ascii_downcase | test("\\bgreat[^a-z0-9]+stone\\b"))' | wc -l)
expect_eq "\"Great Stone\": as many hits as passages holding it" "$(wc -l <"$TMP/phrase")" "$want"
"${S[@]}" --json -n 100000 '"residents"' >"$TMP/exact"
check "\"residents\" is exact: no hit with only resident/residence" \
  jq -e '.text | ascii_downcase | test("residents")' "$TMP/exact"

# filters
"${S[@]}" --json -n 100000 'in:footnotes Great Stone' >"$TMP/fn"
check "in:footnotes gives footnotes only" jq -e '.kind == "footnote"' "$TMP/fn"
check "in:footnotes Great Stone: found something" test -s "$TMP/fn"
"${S[@]}" --json -n 100000 '-in:footnotes Great Stone' >"$TMP/nofn"
check "-in:footnotes gives no footnote" jq -e '.kind != "footnote"' "$TMP/nofn"
check "-in:footnotes Great Stone: found something" test -s "$TMP/nofn"
"${S[@]}" --json -n 100000 'chapter:"Industrial park" residents' >"$TMP/ch"
check "chapter: keeps that chapter" jq -e '.chapter | ascii_downcase | test("industrial park")' "$TMP/ch"
check "chapter: found something" test -s "$TMP/ch"

# +required / -excluded
"${S[@]}" --json -n 100000 '+BUTB -China' >"$TMP/req"
check "+BUTB -China: all hold BUTB, none China" \
  jq -e '(.text | test("BUTB")) and (.text | test("China") | not)' "$TMP/req"
check "+BUTB -China: found something" test -s "$TMP/req"

# pruned (MaxScore, block-max) equals exhaustive on queries made of corpus words
tr -cs 'A-Za-z' '\n' <corpus/001_75613f31623f3fe6.txt | awk 'length($0) > 3' | head -3000 >"$TMP/words"
awk 'NR % 7 == 0 { q = q " " $0; n++ } n == 5 { print "q" NR "\t" q; q = ""; n = 0 }' "$TMP/words" >"$TMP/qs"
awk 'NR % 11 == 0 { q = q " +" $0 } NR % 13 == 0 { q = q " -" $0 } NR % 5 == 0 { q = q " " $0; n++ }
     n == 4 { print "r" NR "\t" q; q = ""; n = 0 }' "$TMP/words" >>"$TMP/qs"
for k in 1 10 100; do
  "${S[@]}" --batch --format trec -n $k <"$TMP/qs" >"$TMP/pruned" 2>/dev/null
  "${S[@]}" --batch --format trec -n $k --exhaustive <"$TMP/qs" >"$TMP/exh" 2>/dev/null
  check "pruned equals exhaustive, top $k, $(wc -l <"$TMP/qs") queries" cmp -s "$TMP/pruned" "$TMP/exh"
done

finish
