#!/usr/bin/env bash
# corpus_eval.sh: relevance of ibid, SQLite FTS5 and Xapian on the bundled corpus/, measured with
# the judged queries of bench/judged/.
#
#   bench/corpus_eval.sh [-e ENGINES] [-s SPLITS] [-o OUTDIR] [-j JUDGED_DIR] [-k K] [-a]
#                        [BUILD_DIR [IBID_SEARCH_OPTION...]]
#
# BUILD_DIR holds ibid-index and ibid-search (default: build); every argument after it goes to
# ibid-search (for example `--no-synonyms` for a before/after comparison).  ENGINES:
# comma-separated among ibid,fts5,xapian (default all three).  SPLITS: among dev,heldout,all
# (default all three; the split of each query is in JUDGED_DIR/corpus-splits.tsv).
# JUDGED_DIR (default bench/judged) holds corpus-queries.tsv (qid TAB query), corpus-qrels.tsv
# (qid TAB file TAB first_line TAB last_line TAB grade TAB reason) and corpus-splits.tsv.
# OUTDIR (default bench/out/corpus) receives the passages, the indexes, the runs and the peers'
# timing figures.
#
# All engines index the same passages: ibid indexes corpus/ (`ibid-index -o OUTDIR/corpus.ibid
# corpus/`, run from the repository root, so DOCIDs read `corpus/FILE:LINE`), the peers index
# `ibid-index --print-passages corpus/`.  Each returns its top K (default 1000) per query; a passage
# is relevant when its lines overlap a judged range of its kind (paragraph, or footnote and
# bibliography entry; -a: any kind; bench/judged_eval.py says exactly how), and
# the figures are trec_eval's (bench/releval.py).  Prints a markdown table: engine, split,
# nDCG@10, Recall@100, MRR@10, queries.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ENGINES="ibid,fts5,xapian"
SPLITS="dev,heldout,all"
OUT="$ROOT/bench/out/corpus"
JUDGED="$ROOT/bench/judged"
PEER_BUILD="${PEER_BUILD:-$ROOT/build-bench}"
K=1000

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }
die() { echo "corpus_eval: $*" >&2; exit 2; }

ANY_KIND=()
while getopts "e:s:o:j:k:ah" opt; do
  case "$opt" in
    e) ENGINES="$OPTARG" ;;
    s) SPLITS="$OPTARG" ;;
    o) OUT="$OPTARG" ;;
    k) K="$OPTARG" ;;
    a) ANY_KIND=(--any-kind) ;;
    j) JUDGED="$OPTARG" ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
BUILD="${1:-build}"
[ $# -gt 0 ] && shift
IBID_OPTS=("$@")
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac
case "$JUDGED" in /*) ;; *) JUDGED="$PWD/$JUDGED" ;; esac

has() { case ",$1," in *",$2,"*) return 0 ;; *) return 1 ;; esac; }
QUERIES="$JUDGED/corpus-queries.tsv"
QRELS="$JUDGED/corpus-qrels.tsv"
SPLITFILE="$JUDGED/corpus-splits.tsv"
for f in "$QUERIES" "$QRELS"; do [ -f "$f" ] || die "no $f"; done
[ -x "$BUILD/ibid-index" ] || die "no $BUILD/ibid-index"
mkdir -p "$OUT"
cd "$ROOT"

PASSAGES="$OUT/passages.jsonl"
"$BUILD/ibid-index" --print-passages corpus/ > "$PASSAGES" || die "ibid-index --print-passages failed"
[ -s "$PASSAGES" ] || die "no passages printed"

if has "$ENGINES" fts5 || has "$ENGINES" xapian; then
  if [ ! -x "$PEER_BUILD/fts5_run" ] || [ ! -x "$PEER_BUILD/xapian_run" ]; then
    echo "corpus_eval: building the peers in $PEER_BUILD" >&2
    cmake -S "$ROOT/bench" -B "$PEER_BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$PEER_BUILD" -j2 >/dev/null
  fi
fi

for engine in ${ENGINES//,/ }; do
  run="$OUT/$engine.trec"
  case "$engine" in
    ibid)
      [ -x "$BUILD/ibid-search" ] || die "no $BUILD/ibid-search"
      rm -f "$OUT/corpus.ibid"
      "$BUILD/ibid-index" -o "$OUT/corpus.ibid" corpus/ >&2 || die "ibid-index failed"
      # Relevance runs show every copy of near-duplicate passages (issue 6), when ibid has --all.
      if "$BUILD/ibid-search" --help 2>&1 | grep -q -- '--all'; then IBID_OPTS=(--all "${IBID_OPTS[@]}"); fi
      rc=0
      "$BUILD/ibid-search" -i "$OUT/corpus.ibid" --batch --format trec -n "$K" "${IBID_OPTS[@]}" \
        < "$QUERIES" > "$run" || rc=$?
      [ "$rc" -le 1 ] || die "ibid-search failed (exit $rc)" ;;
    fts5|xapian)
      "$PEER_BUILD/${engine}_run" -k "$K" --stats "$OUT/$engine.json" --db "$OUT/$engine.db" \
        "$PASSAGES" "$QUERIES" > "$run" || die "${engine}_run failed" ;;
    *) die "unknown engine $engine" ;;
  esac
done

rows=()
for engine in ${ENGINES//,/ }; do
  for split in ${SPLITS//,/ }; do
    split_opts=()
    if [ "$split" != all ]; then
      [ -f "$SPLITFILE" ] || die "no $SPLITFILE for split $split"
      split_opts=(--splits "$SPLITFILE" --split "$split")
    fi
    rows+=("$(python3 "$ROOT/bench/judged_eval.py" --passages "$PASSAGES" --qrels "$QRELS" \
      "${split_opts[@]}" "${ANY_KIND[@]}" --write-run "$OUT/$engine.$split.judged.trec" \
      --write-qrels "$OUT/$split.judged.qrels" --row "$engine|$split" "$OUT/$engine.trec")")
  done
done

echo
if has "$ENGINES" ibid; then echo "ibid-search options: ${IBID_OPTS[*]:-(defaults)}"; echo; fi
echo "| engine | split | nDCG@10 | Recall@100 | MRR@10 | queries |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
