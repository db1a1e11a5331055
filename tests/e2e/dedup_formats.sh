#!/usr/bin/env bash
# dedup_formats.sh - issue 6: every output format lists the near-duplicates of a hit, on corpus/.
# The chapter "strategic partnership enters a new era" is printed in 000 (1074-1847) and in
# 002 (497-666) (section 8 of ../shared/docs/corpus-format.md): 002:635 and 000:1709 are the
# same paragraph, and footnote 95 of 002 (line 643) is repeated by 002's bibliography (1267)
# and by 000's footnote 62 (1760).  For the query below every format must show each copy once,
# and stay valid for its consumers: trec (6 columns, one line per passage, unique docids,
# ranks 1..n, scores never rising), tsv (one row per group, the copies in a last column
# "duplicates" named by the header), grep (file:line:text lines; a copy's text starts "also: ").
source "$(dirname "$0")/lib.bash"

I="$TMP/corpus.ibid"
"$IDX" -q -o "$I" corpus/ || { fail "cannot index corpus/"; finish; exit 1; }
S=("$SRCH" -i "$I")
Q="BSU new level of cooperation with Peking University"
A='corpus/002_8ab7396e8091a3d3.txt:635'
B='corpus/000_b36bc166d576b6e2.txt:1709'
F='corpus/002_8ab7396e8091a3d3.txt:643'

# --- trec ------------------------------------------------------------------------------------
"${S[@]}" --format trec -n 5 "$Q" >"$TMP/trec"
check "trec: six columns, qid 1, Q0, tag ibid" \
  awk 'NF != 6 || $1 != "1" || $2 != "Q0" || $6 != "ibid" { exit 1 }' "$TMP/trec"
check "trec: ranks are the line numbers 1..n" awk '$4 != NR { exit 1 }' "$TMP/trec"
check "trec: scores never rise down the run" awk 'NR > 1 && $5 > prev { exit 1 } { prev = $5 }' "$TMP/trec"
expect_eq "trec: every docid once" "$(cut -d' ' -f3 "$TMP/trec" | sort | uniq -d)" ""
check "trec: both copies of the paragraph are lines" grep -q " $B " "$TMP/trec"
expect_eq "trec: the copy right after its group's best passage" \
  "$(grep -A1 " $A " "$TMP/trec" | cut -d' ' -f3 | tr '\n' ' ')" "$A $B "
expect_eq "trec: the copy with its group's score" \
  "$(grep -A1 " $A " "$TMP/trec" | cut -d' ' -f5 | uniq | wc -l)" 1
g=$("${S[@]}" --format trec -n 5 "$Q" | wc -l)
check "trec: -n counts groups: more than 5 lines ($g)" test "$g" -gt 5
# a run of several queries: each query's ranks start again at 1
printf 'a\t%s\nb\t%s\n' "$Q" "$Q" | "${S[@]}" --batch --format trec -n 3 >"$TMP/batch"
check "trec --batch: ranks 1..n per query" awk '$4 != ++n[$1] { exit 1 }' "$TMP/batch"
# --offset: the ranks go on from the offset
"${S[@]}" --format trec --offset 1 -n 1 "$Q" >"$TMP/off"
check "trec --offset 1: the first line has rank 2" awk 'NR == 1 && $4 != 2 { exit 1 }' "$TMP/off"

# --- tsv -------------------------------------------------------------------------------------
"${S[@]}" --format tsv -n 5 "$Q" >"$TMP/tsv"
expect_eq "tsv: the header names the duplicates column" "$(head -1 "$TMP/tsv" | cut -f14)" duplicates
check "tsv: 14 columns on every line" awk -F'\t' 'NF != 14 { exit 1 }' "$TMP/tsv"
expect_eq "tsv: one row per group" "$(wc -l <"$TMP/tsv")" 6
expect_eq "tsv: the paragraph's row lists its copy" \
  "$(awk -F'\t' '$4 ":" $5 == "'"$A"'" { print $14 }' "$TMP/tsv")" "$B"
expect_eq "tsv: the footnote's row lists both copies, '; '-separated" \
  "$(awk -F'\t' '$4 ":" $5 == "'"$F"'" { print $14 }' "$TMP/tsv")" \
  "corpus/002_8ab7396e8091a3d3.txt:1267; corpus/000_b36bc166d576b6e2.txt:1760"
expect_eq "tsv --all: the column is there and empty" \
  "$("${S[@]}" --format tsv --all -n 5 "$Q" | tail -n +2 | awk -F'\t' 'NF != 14 || $14 != ""' | wc -l)" 0

# --- grep ------------------------------------------------------------------------------------
"${S[@]}" --format grep -n 5 "$Q" >"$TMP/grep"
check "grep: every line is file:line:text" awk '!/^corpus\/[^:]+:[0-9]+:./ { exit 1 }' "$TMP/grep"
check "grep: the copy follows its group's line, marked also:" \
  sh -c "grep -A1 '^$A:' '$TMP/grep' | tail -1 | grep -q '^$B:also: In particular, BSU'"
expect_eq "grep: as many lines as trec" "$(wc -l <"$TMP/grep")" "$(wc -l <"$TMP/trec")"
expect_eq "grep: the same passages as trec, in the same order" \
  "$(cut -d: -f1,2 "$TMP/grep")" "$(cut -d' ' -f3 "$TMP/trec")"
expect_eq "grep --all: no also: lines" "$("${S[@]}" --format grep --all -n 5 "$Q" | grep -c ':also: ')" 0

# --- json and text keep listing them ---------------------------------------------------------
if command -v jq >/dev/null; then
  expect_eq "json: the copies of the first 5 groups are those of tsv" \
    "$("${S[@]}" --json -n 5 "$Q" | jq -r '[.duplicates[] | .file + ":" + (.line | tostring)] | join("; ")')" \
    "$(tail -n +2 "$TMP/tsv" | cut -f14)"
fi
check "text: also: line" sh -c "'$SRCH' -i '$I' -n 5 '$Q' | grep -q '^   also: .*$B\$'"

finish
