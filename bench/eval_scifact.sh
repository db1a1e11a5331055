#!/usr/bin/env bash
# eval_scifact.sh: relevance of ibid, SQLite FTS5 and Xapian on ../shared/eval/scifact/.
#
#   bench/eval_scifact.sh [-e ENGINES] [-s SPLITS] [-o OUTDIR] [-p PASSAGES.jsonl] [-k K]
#                         [-r PROFILE] [BUILD_DIR [IBID_SEARCH_OPTION...]]
#
# BUILD_DIR holds ibid-index and ibid-search (default: build).  Every argument after it goes to
# ibid-search, so BM25 can be tuned on the train split, for example:
#   bench/eval_scifact.sh -e ibid -s train build --k1 1.2 --b 0.75
# ENGINES: comma-separated among ibid,fts5,xapian (default all three); SPLITS among train,test
# (default both).  OUTDIR (default bench/out/scifact) receives the passages, the indexes, one
# TREC run per engine and split (ENGINE.SPLIT.trec) and the peers' timing figures
# (ENGINE.SPLIT.json).
#
# ibid indexes docs.jsonl itself (`ibid-index -o OUTDIR/scifact.ibid docs.jsonl`); the peers index
# exactly ibid's passages (`ibid-index --print-passages docs.jsonl`: text = title + " " + text),
# or the passages of -p FILE when given.  Each engine returns its top K per query; the figures
# are computed by bench/releval.py as trec_eval does (-c: all queries of the qrels count).
# -k K: hits per query (default 1000; 100 is enough for these three figures, and faster).
# -r PROFILE: ibid's ranking profile (`--rank PROFILE`: bm25, the default, or abstracts; see
# docs/search-quality.md section 3, "The abstracts profile").
# The peers are built from bench/ into $PEER_BUILD (default build-bench) when missing.
# Prints a markdown table: engine, split, nDCG@10, Recall@100, MRR@10, queries.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${IBID_SHARED_DIR:-$ROOT/../shared}"
DATA="$SHARED/eval/scifact"
ENGINES="ibid,fts5,xapian"
SPLITS="train,test"
OUT="$ROOT/bench/out/scifact"
PASSAGES=""
PEER_BUILD="${PEER_BUILD:-$ROOT/build-bench}"
K=1000
PROFILE=""

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }
die() { echo "eval_scifact: $*" >&2; exit 2; }

while getopts "e:s:o:p:k:r:h" opt; do
  case "$opt" in
    e) ENGINES="$OPTARG" ;;
    s) SPLITS="$OPTARG" ;;
    o) OUT="$OPTARG" ;;
    k) K="$OPTARG" ;;
    p) PASSAGES="$OPTARG" ;;
    r) PROFILE="$OPTARG" ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
BUILD="${1:-build}"
[ $# -gt 0 ] && shift
IBID_OPTS=("$@")
[ -z "$PROFILE" ] || IBID_OPTS=(--rank "$PROFILE" "${IBID_OPTS[@]}")
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac

has() { case ",$1," in *",$2,"*) return 0 ;; *) return 1 ;; esac; }
[ -f "$DATA/docs.jsonl" ] || die "no $DATA/docs.jsonl (set IBID_SHARED_DIR)"
mkdir -p "$OUT"

# --- peers: build when missing -----------------------------------------------------------------
if has "$ENGINES" fts5 || has "$ENGINES" xapian; then
  if [ ! -x "$PEER_BUILD/fts5_run" ] || [ ! -x "$PEER_BUILD/xapian_run" ]; then
    echo "eval_scifact: building the peers in $PEER_BUILD" >&2
    cmake -S "$ROOT/bench" -B "$PEER_BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$PEER_BUILD" -j2 >/dev/null
  fi
  if [ -z "$PASSAGES" ]; then
    [ -x "$BUILD/ibid-index" ] || die "no $BUILD/ibid-index to print the passages (build ibid, or give -p PASSAGES.jsonl)"
    PASSAGES="$OUT/passages.jsonl"
    (cd "$DATA" && "$BUILD/ibid-index" --print-passages docs.jsonl) > "$PASSAGES" ||
      die "ibid-index --print-passages failed"
  fi
  [ -s "$PASSAGES" ] || die "no passages in $PASSAGES"
fi

# --- ibid: index once ------------------------------------------------------------------------
if has "$ENGINES" ibid; then
  [ -x "$BUILD/ibid-index" ] && [ -x "$BUILD/ibid-search" ] || die "no ibid-index/ibid-search in $BUILD"
  rm -f "$OUT/scifact.ibid"
  (cd "$DATA" && "$BUILD/ibid-index" -o "$OUT/scifact.ibid" docs.jsonl) >&2 || die "ibid-index failed"
  # Relevance runs show every copy of near-duplicate passages (issue 6), when ibid has --all.
  if "$BUILD/ibid-search" --help 2>&1 | grep -q -- '--all'; then IBID_OPTS=(--all "${IBID_OPTS[@]}"); fi
fi

run_engine() { # engine split queries run
  local engine="$1" split="$2" queries="$3" run="$4" rc=0
  case "$engine" in
    ibid)
      "$BUILD/ibid-search" -i "$OUT/scifact.ibid" --batch --format trec -n "$K" "${IBID_OPTS[@]}" \
        < "$queries" > "$run" || rc=$?
      # exit 1 means "nothing matched": still a valid (empty) run
      [ "$rc" -le 1 ] || die "ibid-search failed (exit $rc)" ;;
    fts5|xapian)
      "$PEER_BUILD/${engine}_run" -k "$K" --stats "$OUT/$engine.$split.json" --db "$OUT/$engine.db" \
        "$PASSAGES" "$queries" > "$run" || die "${engine}_run failed" ;;
    *) die "unknown engine $engine" ;;
  esac
}

rows=()
for engine in ${ENGINES//,/ }; do
  for split in ${SPLITS//,/ }; do
    queries="$DATA/queries.$split.tsv"
    qrels="$DATA/qrels.$split.tsv"
    [ -f "$queries" ] || die "no $queries"
    run="$OUT/$engine.$split.trec"
    run_engine "$engine" "$split" "$queries" "$run"
    rows+=("$(python3 "$ROOT/bench/releval.py" "$run" "$qrels" --row "$engine|$split")")
  done
done

echo
if has "$ENGINES" ibid; then echo "ibid-search options: ${IBID_OPTS[*]:-(defaults)}"; echo; fi
echo "| engine | split | nDCG@10 | Recall@100 | MRR@10 | queries |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
