#!/usr/bin/env bash
# pdf.sh - ibid-index on PDFs: makes a three-page PDF with paragraphs and footnotes from
# tests/fixtures/pdf/book.ms with groff -ms and ps2pdf (Debian's groff and ghostscript; nothing
# downloaded), then checks the passages (count, pages, footnote numbers and texts, cites), an
# index of the PDF and of a folder holding it, a search that cites page 2, a truncated PDF, a
# file named .pdf that is no PDF, and a PATH without pdftotext.  Skips (exit 0) only when groff,
# ps2pdf or pdftotext is missing (.ci/packages installs groff, ghostscript and poppler-utils).
source "$(dirname "$0")/lib.bash"

for tool in groff ps2pdf pdftotext; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool is not installed (apt-get install groff ghostscript poppler-utils)"
    exit 0
  fi
done

# Absolute paths: one test runs with a PATH that holds no pdftotext.
IDX="$(cd "$(dirname "$IDX")" && pwd)/$(basename "$IDX")"
SRCH="$(cd "$(dirname "$SRCH")" && pwd)/$(basename "$SRCH")"

mkdir -p "$TMP/shelf/sub"
PDF="$TMP/shelf/sub/book.pdf"
groff -ms -Tps tests/fixtures/pdf/book.ms >"$TMP/book.ps" 2>"$TMP/groff.err" && ps2pdf "$TMP/book.ps" "$PDF" \
  || { fail "cannot make the PDF: $(cat "$TMP/groff.err")"; finish; exit 1; }
expect_eq "the PDF has 3 pages" "$(pdftotext -layout "$PDF" - | tr -cd '\f' | wc -c)" 3

# --- passages ---------------------------------------------------------------------------------
P="$TMP/passages.jsonl"
"$IDX" --print-passages "$PDF" >"$P" 2>"$TMP/err"
expect_eq "print-passages book.pdf exit status" "$?" 0
expect_eq "print-passages book.pdf stderr" "$(cat "$TMP/err")" ""
expect_eq "passages" "$(wc -l <"$P")" 12
expect_eq "paragraphs" "$(jq -r 'select(.kind=="paragraph") | .kind' "$P" | wc -l)" 7
expect_eq "footnotes" "$(jq -r 'select(.kind=="footnote") | .kind' "$P" | wc -l)" 5
expect_eq "file is the path given" "$(jq -r .file "$P" | sort -u)" "$PDF"
expect_eq "work is the file name" "$(jq -r .work "$P" | sort -u)" "book"
# page of a paragraph: text prefix -> page
page_of() { jq -r --arg t "$1" 'select(.text | startswith($t)) | .page' "$P"; }
expect_eq "first paragraph cites page 1" "$(page_of 'The supply boat reached Orvenna')" 1
expect_eq "the orchard paragraph cites page 2" "$(page_of 'On the second page the keepers')" 2
expect_eq "the last paragraph of page 2 cites page 2" "$(page_of 'A plain paragraph without notes')" 2
expect_eq "the weathervane paragraph cites page 3" "$(page_of 'The third page opens with the copper weathervane')" 3
expect_eq "the book's last paragraph cites page 3" "$(page_of 'The last paragraph of the book')" 3
expect_eq "chapters" "$(jq -r 'select(.kind=="paragraph") | .chapter' "$P" | uniq | tr '\n' '|')" \
  "1. Arrival on the Island|2. The Long Watch|"
# footnotes: number, page, text
expect_eq "footnote numbers, pages and texts" \
  "$(jq -r 'select(.kind=="footnote") | [.footnote, .page, .text] | @tsv' "$P")" \
  "1	1	Harbour log of Orvenna, volume two, entry for the ninth of March. This note is long on purpose, so that it wraps onto a second and a third line at the foot of the first page, as the long notes of real books do.
2	1	Interview with the keeper, recorded in 1968.
3	2	Orchard accounts, ledger four.
4	3	Shipping manifest of the brig Solveig.
5	3	Diary of the second keeper, page twelve."
# the paragraph that carries markers 4 and 5 cites both, with their texts; markers leave the text
W=$(jq -c 'select(.text | startswith("The third page opens")) | [.cites[] | [.footnote, .text]]' "$P")
expect_eq "cites of the weathervane paragraph" "$W" \
  '[[4,"Shipping manifest of the brig Solveig."],[5,"Diary of the second keeper, page twelve."]]'
expect_eq "markers are cut from the text" \
  "$(jq -r 'select(.text | startswith("The third page opens")) | .text' "$P")" \
  "The third page opens with the copper weathervane of the northern tower, cast in Bergen and shipped in pieces. It was raised in a single afternoon."
expect_eq "every marker cited once, in order" \
  "$(jq -r 'select(.kind=="paragraph") | .cites[].footnote' "$P" | tr '\n' ' ')" "1 2 3 4 5 "
expect_eq "no page header in any text" "$(jq -r 'select(.text | test("-[23]-")) | .line' "$P")" ""

# --- a folder holding the PDF (and a text beside it) ---------------------------------------------
printf 'A plain text about lighthouses.\n' >"$TMP/shelf/notes.txt"
"$IDX" --print-passages "$TMP/shelf" >"$TMP/folder.jsonl" 2>"$TMP/err"
expect_eq "print-passages folder exit status" "$?" 0
expect_eq "print-passages folder stderr" "$(cat "$TMP/err")" ""
expect_eq "the folder's PDF gives the same passages" \
  "$(jq -c 'select(.file | endswith("book.pdf")) | [.line, .page, .footnote, .text]' "$TMP/folder.jsonl")" \
  "$(jq -c '[.line, .page, .footnote, .text]' "$P")"
expect_eq "the folder's passages" "$(wc -l <"$TMP/folder.jsonl")" 13

# --- index and search ----------------------------------------------------------------------------
I="$TMP/tmp.ibid"
"$IDX" -q -o "$I" "$PDF" 2>"$TMP/err"
expect_eq "ibid-index -o on book.pdf exit status" "$?" 0
expect_eq "ibid-index -o on book.pdf stderr" "$(cat "$TMP/err")" ""
"$SRCH" -i "$I" --json '"saltwater orchard"' >"$TMP/hits" 2>"$TMP/err"
expect_eq "search for a page-2 phrase exits 0" "$?" 0
expect_eq "the page-2 phrase: one hit" "$(wc -l <"$TMP/hits")" 1
expect_eq "the page-2 phrase cites page 2, file and line" \
  "$(jq -r '[.page, .file, .line, .chapter] | @tsv' "$TMP/hits")" "2	$PDF	28	2. The Long Watch"
expect_eq "the hit cites footnote 3" "$(jq -c '[.cites[].footnote]' "$TMP/hits")" "[3]"
"$SRCH" -i "$I" --json 'in:footnotes Solveig' >"$TMP/hits" 2>/dev/null
expect_eq "a footnote found by its words, with its number and page" \
  "$(jq -r '[.kind, .footnote, .page] | @tsv' "$TMP/hits")" "footnote	4	3"
# the text output shows the page
"$SRCH" -i "$I" '"copper weathervane"' >"$TMP/out" 2>/dev/null
check "text output cites p. 3" grep -q "p\. 3" "$TMP/out"

I2="$TMP/folder.ibid"
"$IDX" -q -o "$I2" "$TMP/shelf" 2>"$TMP/err"
expect_eq "ibid-index -o on the folder exit status" "$?" 0
"$SRCH" -i "$I2" --json '"saltwater orchard"' >"$TMP/hits" 2>/dev/null
expect_eq "the folder index cites page 2 of the PDF" "$(jq -r '[.page, .file] | @tsv' "$TMP/hits")" "2	$PDF"
expect_eq "the text beside the PDF is indexed too" \
  "$("$SRCH" -i "$I2" --json lighthouses 2>/dev/null | jq -r .file)" "$TMP/shelf/notes.txt"

# --- a 50-page PDF: pdftotext writes more than a pipe holds (no deadlock), pages 1..50 ------------
for i in $(seq 1 1200); do
  printf '.PP\nParagraph %d of the long book tells of wave %d and of the keeper who counted the waves on the rocks below the tower.\n' "$i" "$i"
done >"$TMP/long.ms"
groff -ms -Tps "$TMP/long.ms" | ps2pdf - "$TMP/long.pdf"
L="$TMP/long.jsonl"
"$IDX" --print-passages "$TMP/long.pdf" >"$L" 2>"$TMP/err"
expect_eq "long PDF exit status" "$?" 0
check "long PDF: pdftotext's text is over 64 KiB" test "$(pdftotext -layout "$TMP/long.pdf" - | wc -c)" -gt 65536
expect_eq "long PDF: 1200 paragraphs" "$(jq -r 'select(.kind=="paragraph") | .kind' "$L" | wc -l)" 1200
want=$(pdftotext -layout "$TMP/long.pdf" - | awk 'BEGIN { p = 1 } /\f/ { p++ } /Paragraph 777 / { print p }')
expect_eq "long PDF: paragraph 777 cites its form-feed page ($want)" \
  "$(jq -r 'select(.text | startswith("Paragraph 777 ")) | .page' "$L")" "$want"
expect_eq "long PDF: last page" "$(jq -r .page "$L" | sort -n | tail -1)" \
  "$(pdftotext -layout "$TMP/long.pdf" - | tr -cd '\f' | wc -c)"

# --- a truncated PDF: one warning line, exit 1, the rest indexed ----------------------------------
mkdir -p "$TMP/bad"
head -c 3000 "$PDF" >"$TMP/bad/broken.pdf"
cp "$PDF" "$TMP/bad/good.pdf"
"$IDX" --print-passages "$TMP/bad/broken.pdf" >"$TMP/out" 2>"$TMP/err"
expect_eq "a truncated PDF exits 1" "$?" 1
expect_eq "a truncated PDF: one warning line" "$(wc -l <"$TMP/err")" 1
check "the warning names the file and pdftotext" grep -q "^ibid-index: $TMP/bad/broken.pdf: pdftotext failed" "$TMP/err"
expect_eq "a truncated PDF: no passages" "$(wc -c <"$TMP/out")" 0
"$IDX" -q -o "$TMP/bad.ibid" "$TMP/bad" >/dev/null 2>"$TMP/err"
expect_eq "a folder with a truncated PDF exits 1" "$?" 1
expect_eq "a folder with a truncated PDF: one warning line" "$(wc -l <"$TMP/err")" 1
"$SRCH" -i "$TMP/bad.ibid" --json '"saltwater orchard"' >"$TMP/hits" 2>/dev/null
expect_eq "the good PDF beside it is indexed" "$(jq -r .page "$TMP/hits")" 2
# a PDF made by the tests: by magic, whatever its name; a .pdf name that is no PDF fails cleanly
cp "$PDF" "$TMP/bad/book-without-extension"
"$IDX" --print-passages "$TMP/bad/book-without-extension" >"$TMP/out" 2>"$TMP/err"
expect_eq "a PDF is told by %PDF-, not by its name" "$(wc -l <"$TMP/out") $(wc -c <"$TMP/err")" "12 0"
printf 'just some text\n' >"$TMP/bad/fake.pdf"
"$IDX" --print-passages "$TMP/bad/fake.pdf" >/dev/null 2>"$TMP/err"
expect_eq "a .pdf that is no PDF exits 1" "$?" 1
expect_eq "a .pdf that is no PDF: one line" "$(wc -l <"$TMP/err")" 1

# --- no pdftotext on PATH: the message names poppler-utils ----------------------------------------
mkdir -p "$TMP/emptybin"
PATH="$TMP/emptybin" "$IDX" --print-passages "$PDF" >"$TMP/out" 2>"$TMP/err"
expect_eq "no pdftotext exits 1" "$?" 1
expect_eq "no pdftotext: one line" "$(wc -l <"$TMP/err")" 1
check "no pdftotext: says to install poppler-utils" grep -q "install poppler-utils" "$TMP/err"
PATH="$TMP/emptybin" "$IDX" -q -o "$TMP/none.ibid" "$PDF" >/dev/null 2>"$TMP/err"
expect_eq "no pdftotext, -o: exit 2 (no input could be read)" "$?" 2
check "no pdftotext, -o: names poppler-utils" grep -q "poppler-utils" "$TMP/err"

# --- no zombie and no stray process: every pdftotext was waited for -------------------------------
expect_eq "no pdftotext left running" "$(pgrep -u "$(id -u)" -f "pdftotext -layout -enc UTF-8 $TMP" | wc -l)" 0

finish
