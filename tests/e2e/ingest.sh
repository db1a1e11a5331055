#!/usr/bin/env bash
# ingest.sh - ibid-index --print-passages on the real corpus: every key on every passage, the
# counts of docs/corpus-format.md (../shared/docs), chapter titles, pages, clean text, and the
# handling of bad input (binary, empty, invalid UTF-8, missing paths, sidecars).
source "$(dirname "$0")/lib.bash"

P="$TMP/passages.jsonl"
"$IDX" --print-passages corpus/ >"$P" 2>"$TMP/err"
expect_eq "print-passages corpus/ exit status" "$?" 0
expect_eq "print-passages corpus/ stderr" "$(cat "$TMP/err")" ""

# every line an object with every key, of the right type
bad=$(jq -c 'select((.kind|type)!="string" or (.file|type)!="string" or (.line|type)!="number"
   or (.end_line|type)!="number" or (.work|type)!="string" or ((.chapter|type)!="string" and .chapter!=null)
   or ((.page|type)!="number" and .page!=null) or ((.paragraph|type)!="number" and .paragraph!=null)
   or ((.footnote|type)!="number" and .footnote!=null) or (.cites|type)!="array"
   or ((.id|type)!="string" and .id!=null) or (.text|type)!="string" or .line > .end_line
   or ([keys[]] | length) != 12)' "$P" | head -3)
expect_eq "passages with a missing or mistyped key" "$bad" ""

count() { jq -r --arg f "corpus/$1" --arg k "$2" 'select(.file==$f and .kind==$k) | .kind' "$P" | wc -l; }
# paragraphs: the guide's reference counts (rule D for the pdftotext files; 156 for 002)
expect_within "000 paragraphs" "$(count 000_b36bc166d576b6e2.txt paragraph)" 106 10
expect_within "001 paragraphs" "$(count 001_75613f31623f3fe6.txt paragraph)" 68 10
expect_within "002 paragraphs" "$(count 002_8ab7396e8091a3d3.txt paragraph)" 156 10
expect_within "003 paragraphs" "$(count 003_9f3c7597e57b37f0.txt paragraph)" 99 10
expect_within "004 paragraphs" "$(count 004_4af837fc92f3f660.txt paragraph)" 97 10
# footnotes: every definition present, plus the fragments (corpus-format.md 5.2 and errata)
numbered() { jq -r --arg f "corpus/$1" 'select(.file==$f and .kind=="footnote" and .footnote!=null) | .footnote' "$P" | sort -nu | wc -l; }
n000=$(numbered 000_b36bc166d576b6e2.txt)
check "000 numbered footnotes: 75 defined + fn 67 (1905) + maybe the 2025 fragment (got $n000)" test "$n000" -ge 76 -a "$n000" -le 77
expect_eq "001 numbered footnotes (64 defined incl. 49)" "$(numbered 001_75613f31623f3fe6.txt)" 64
# 001:1352 is the tail of a footnote whose start is missing; markers 52-55 of its page all lack
# definitions, so nothing in the file tells its number: a footnote passage with footnote null.
expect_eq "001:1352 fragment kept, number null" \
  "$(jq -r 'select(.file=="corpus/001_75613f31623f3fe6.txt" and .line==1352) | [.kind, .footnote] | @tsv' "$P")" "footnote	"
expect_eq "000:1905 fragment is the tail of fn 67" \
  "$(jq -r 'select(.file=="corpus/000_b36bc166d576b6e2.txt" and .line==1905) | [.kind, .footnote] | @tsv' "$P")" "footnote	67"
expect_eq "002 footnotes" "$(numbered 002_8ab7396e8091a3d3.txt)" 167
expect_eq "004 footnotes" "$(numbered 004_4af837fc92f3f660.txt)" 27
n003=$(numbered 003_9f3c7597e57b37f0.txt)
check "003 numbered footnotes 95..96 (got $n003)" test "$n003" -ge 95 -a "$n003" -le 96
expect_eq "002 bibliography entries" "$(count 002_8ab7396e8091a3d3.txt bibliography)" 166

# every marker 1..N cited exactly once, in order, per file
for spec in 000_b36bc166d576b6e2.txt:110 001_75613f31623f3fe6.txt:93 002_8ab7396e8091a3d3.txt:167 \
            003_9f3c7597e57b37f0.txt:142 004_4af837fc92f3f660.txt:115; do
  f=${spec%%:*}; n=${spec##*:}
  got=$(jq -r --arg f "corpus/$f" 'select(.file==$f and .kind=="paragraph") | .cites[].footnote' "$P" | tr '\n' ' ')
  expect_eq "$f markers in order" "$got" "$(seq -s ' ' 1 "$n") "
done

# chapters: 5 + 10 + 5 + 5 in the pdftotext files, 10 in 002 (plus Literature for the bibliography)
chapters() { jq -r --arg f "corpus/$1" 'select(.file==$f and .kind=="paragraph" and .chapter!=null) | .chapter' "$P" | awk '!seen[$0]++' | wc -l; }
expect_eq "000 chapters" "$(chapters 000_b36bc166d576b6e2.txt)" 5
expect_eq "001 chapters" "$(chapters 001_75613f31623f3fe6.txt)" 10
expect_eq "002 chapters" "$(chapters 002_8ab7396e8091a3d3.txt)" 10
expect_eq "003 chapters" "$(chapters 003_9f3c7597e57b37f0.txt)" 5
expect_eq "004 chapters" "$(chapters 004_4af837fc92f3f660.txt)" 5
# (jq 1.6's -e reports the last input's result, so collect with -s and test once)
has_chapter() { jq -e -s --arg c "$1" 'any(.[]; .chapter==$c)' "$P" >/dev/null; }
check "000 title joined over two lines with co-operation" \
  has_chapter "Belarus - Uzbekistan: joint initiatives build co-operation in innovative areas"
check "003 title 826/828" has_chapter "There are opportunities for interaction, We need to use them"
check "002 heading without **" has_chapter "Purpose - to establish new business contacts"

# pages
maxpage() { jq -r --arg f "corpus/$1" 'select(.file==$f) | .page' "$P" | sort -n | tail -1; }
expect_eq "000 pages" "$(maxpage 000_b36bc166d576b6e2.txt)" 54
expect_eq "001 pages" "$(maxpage 001_75613f31623f3fe6.txt)" 44
expect_eq "003 pages" "$(maxpage 003_9f3c7597e57b37f0.txt)" 55
expect_eq "004 pages" "$(maxpage 004_4af837fc92f3f660.txt)" 50
expect_eq "002 first page" "$(jq -r 'select(.file=="corpus/002_8ab7396e8091a3d3.txt" and .kind!="bibliography") | .page' "$P" | sort -n | head -1)" 3
expect_eq "002 last page" "$(jq -r 'select(.file=="corpus/002_8ab7396e8091a3d3.txt" and .kind!="bibliography") | .page' "$P" | sort -n | tail -1)" 88
expect_eq "002 work title" "$(jq -r 'select(.file=="corpus/002_8ab7396e8091a3d3.txt") | .work' "$P" | sort -u)" "On the course of cooperation"

# clean text
dirty=$(jq -r '.text' "$P" | grep -n -E '<sup>|\*\*|FOR AUTHOR USE ONLY|xml-ph-|  ' | head -3)
expect_eq "text with markup, placeholders or runs of spaces" "$dirty" ""
glued=$(jq -r 'select(.kind=="paragraph") | .text' "$P" | grep -n -E '[a-z]{3}"?[0-9]{1,3} \.|[a-z]\.[0-9]{1,3} \.' | head -3)
expect_eq "footnote numbers glued to words" "$glued" ""
check "co- + operation joined with its hyphen (000:74)" \
  jq -e -s 'map(select(.file=="corpus/000_b36bc166d576b6e2.txt" and (.text|contains("co-operation")))) | length > 10' "$P"
check "a dash at a line end joined with a space (000:917, products - milk)" \
  jq -e -s 'map(select(.text|contains("products -milk"))) | length == 0' "$P"

# bad input: binary, empty, invalid UTF-8, a sidecar, a catalog
mkdir -p "$TMP/shelf"
printf 'PK\003\004\000\000binary' >"$TMP/shelf/a.zip"
: >"$TMP/shelf/empty.txt"
printf 'A first paragraph about potash.\n\nA second one with a bad byte \377 here.\n' >"$TMP/shelf/bad.txt"
printf 'Great Stone = Velikiy Kamen\n' >"$TMP/shelf/ibid-synonyms.txt"
printf 'bad.txt\tThe Catalogued Title\tAn Author\t2024\n' >"$TMP/shelf/ibid-catalog.tsv"
"$IDX" --print-passages "$TMP/shelf" >"$TMP/shelf.jsonl" 2>"$TMP/shelf.err"
expect_eq "exit status when input was skipped" "$?" 1
check "binary file reported" grep -q "a.zip: binary file, skipped" "$TMP/shelf.err"
check "empty file reported" grep -q "empty.txt: empty file, skipped" "$TMP/shelf.err"
check "invalid UTF-8 reported with its line" grep -q "bad.txt:3: invalid UTF-8, replaced" "$TMP/shelf.err"
check "sidecars not reported" sh -c "! grep -qE 'ibid-(synonyms|catalog)' '$TMP/shelf.err'"
expect_eq "stderr lines" "$(wc -l <"$TMP/shelf.err")" 3
expect_eq "catalog title" "$(jq -r .work "$TMP/shelf.jsonl" | sort -u)" "The Catalogued Title"
expect_eq "replacement character in text" "$(jq -r 'select(.line==3) | .text' "$TMP/shelf.jsonl")" \
  "A second one with a bad byte $(printf '\357\277\275') here."
"$IDX" --print-passages "$TMP/no-such-dir" >/dev/null 2>"$TMP/missing.err"
expect_eq "exit status for a missing PATH" "$?" 2
check "missing PATH named" grep -q "no-such-dir: No such file or directory" "$TMP/missing.err"
"$IDX" >/dev/null 2>&1
expect_eq "exit status without PATH" "$?" 2

finish
