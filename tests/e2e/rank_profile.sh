#!/usr/bin/env bash
# rank_profile.sh - --rank (searcher/rerank.h) on corpus/: `--rank bm25` is the default
# byte for byte (every format, batch, grouped and --all); `--rank abstracts` re-orders the
# best 100 (the same passages, the score the printed combination of --explain), and moves the
# passage with every query word adjacent, 000:1334 "Minsk Tractor Plant is ready to intensify
# co-operation", from rank 4 to rank 1; an index of two segments answers as one full build;
# `--rank x` exits 2 with one line on stderr.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "jq not installed: skipped"; exit 0; }

I="$TMP/corpus.ibid"
"$IDX" -q -o "$I" corpus/ || { fail "cannot index corpus/"; finish; exit 1; }
S=("$SRCH" -i "$I")
Q="Minsk Tractor Plant co-operation"
printf '%s\n' "1	$Q" "2	Great Stone residents" "3	BSU new level of cooperation with Peking University" \
  "4	potash Mongolia" "5	in:footnotes Lukashenko" >"$TMP/queries"

# --- --rank bm25 == the default ---------------------------------------------------------------
for fmt in text json tsv trec grep; do
  for all in "" --all; do
    "${S[@]}" --batch --no-suggest --format $fmt -n 12 $all <"$TMP/queries" >"$TMP/def" 2>"$TMP/def.err"
    "${S[@]}" --batch --no-suggest --format $fmt -n 12 $all --rank bm25 <"$TMP/queries" >"$TMP/bm" 2>"$TMP/bm.err"
    check "--rank bm25 = default ($fmt $all)" cmp -s "$TMP/def" "$TMP/bm"
    check "--rank bm25 = default, stderr ($fmt $all)" cmp -s "$TMP/def.err" "$TMP/bm.err"
  done
done
"${S[@]}" --explain -n 3 "$Q" >"$TMP/def"
"${S[@]}" --explain -n 3 --rank=bm25 "$Q" >"$TMP/bm"
check "--rank=bm25 = default (--explain)" cmp -s "$TMP/def" "$TMP/bm"

# --- --rank abstracts ---------------------------------------------------------------------------
"${S[@]}" --format trec --all -n 100 "$Q" >"$TMP/b100"
"${S[@]}" --format trec --all -n 100 --rank abstracts "$Q" >"$TMP/a100"
expect_eq "the best 100: 100 hits" "$(wc -l <"$TMP/b100")" 100
check "abstracts: the same 100 passages" cmp -s <(cut -d' ' -f3 "$TMP/b100" | sort) <(cut -d' ' -f3 "$TMP/a100" | sort)
check "abstracts: another order" test "$(cut -d' ' -f3 "$TMP/b100")" != "$(cut -d' ' -f3 "$TMP/a100")"
check "abstracts: scores decrease" awk '$5 > p && NR > 1 { exit 1 } { p = $5 }' "$TMP/a100"
expect_eq "bm25: 000:1334 at rank 4" "$(grep -n 'corpus/000_[0-9a-f]*\.txt:1334 ' "$TMP/b100" | cut -d: -f1)" 4
expect_eq "abstracts: 000:1334 at rank 1" "$(grep -n 'corpus/000_[0-9a-f]*\.txt:1334 ' "$TMP/a100" | cut -d: -f1)" 1
# past the depth the order stays the default's, below the re-ranked hits
"${S[@]}" --format trec --all -n 130 "$Q" | cut -d' ' -f3 | tail -30 >"$TMP/btail"
"${S[@]}" --format trec --all -n 130 --rank abstracts "$Q" >"$TMP/a130"
check "abstracts: hits 101-130 in the default order" cmp -s "$TMP/btail" <(cut -d' ' -f3 "$TMP/a130" | tail -30)
check "abstracts: -n 130 scores decrease" awk '$5 > p && NR > 1 { exit 1 } { p = $5 }' "$TMP/a130"
# grouped output: the first hit is the re-ranked first
expect_eq "abstracts, grouped: first hit 000:1334" \
  "$("${S[@]}" --format grep -n 1 --rank abstracts "$Q" | cut -d: -f2)" 1334
# --explain: the features and the combination, which is the hit's score
"${S[@]}" --json --explain --all -n 5 --rank abstracts "$Q" >"$TMP/ex"
check "--explain: every hit has the rank abstracts line" \
  jq -e -s 'length == 5 and all(.explain | map(select(.term | startswith("rank abstracts: bm25 "))) | length == 1)' "$TMP/ex"
check "--explain: its score is the hit's" \
  jq -e -s 'all((.explain | map(select(.term | startswith("rank abstracts:")))[0].score) as $s | (.score - $s | fabs) < 1e-9)' "$TMP/ex"
check "--explain: the combination of the printed features" \
  jq -e -s 'all(.explain | map(select(.term | startswith("rank abstracts:")))[0] |
     # bm25, dph, 0.2, midf, ln(len+1), 0.2, prox, 0.2, titleb
     (.term | [scan("[-+]?[0-9]+\\.[0-9]+")] | map(tonumber)) as $f |
     ($f | length == 9) and ((.score - ($f[0] + $f[1] + 0.2 * $f[3] - 2 * $f[4] + 0.2 * $f[6] + 0.2 * $f[8])) | fabs) < 1e-3)' "$TMP/ex"
"${S[@]}" --explain -n 1 --rank abstracts "$Q" >"$TMP/ext"
check "--explain text: the line" grep -q '^   explain: [0-9.]* = rank abstracts: bm25 [0-9.]* + 1 dph ' "$TMP/ext"

# --- several segments (issue 7) answer as one full build of the same texts ----------------------
mkdir -p "$TMP/src"
cp corpus/000_* corpus/001_* corpus/002_* "$TMP/src/"
"$IDX" -q -o "$TMP/steps.ibid" "$TMP/src" || fail "segments: step 1"
cp corpus/*.txt "$TMP/src/"
"$IDX" -q -o "$TMP/steps.ibid" "$TMP/src" || fail "segments: step 2"
check "segments: two of them" sh -c "'$IDX' --check '$TMP/steps.ibid' | grep -q '2 segments'"
"$IDX" -q --full -o "$TMP/full.ibid" "$TMP/src" || fail "segments: full build"
"$SRCH" -i "$TMP/steps.ibid" --batch --no-suggest --format trec --all -n 120 --rank abstracts <"$TMP/queries" >"$TMP/seg"
"$SRCH" -i "$TMP/full.ibid" --batch --no-suggest --format trec --all -n 120 --rank abstracts <"$TMP/queries" >"$TMP/full"
check "segments: abstracts answers = the full build's" cmp -s "$TMP/seg" "$TMP/full"
check "segments: abstracts reorders there too" test "$(cut -d' ' -f3 "$TMP/full")" != \
  "$("$SRCH" -i "$TMP/full.ibid" --batch --no-suggest --format trec --all -n 120 <"$TMP/queries" | cut -d' ' -f3)"

# --- errors and help ------------------------------------------------------------------------------
"${S[@]}" --rank x "$Q" >"$TMP/out" 2>"$TMP/err"
expect_eq "--rank x: exit 2" "$?" 2
expect_eq "--rank x: one line on stderr" "$(wc -l <"$TMP/err")" 1
check "--rank x: names the choices" grep -q "unknown --rank 'x' (bm25, abstracts)" "$TMP/err"
check "--rank x: nothing on stdout" test ! -s "$TMP/out"
check "--help lists --rank" sh -c "'$SRCH' --help | grep -q -- '--rank PROFILE'"

finish
