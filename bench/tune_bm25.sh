#!/usr/bin/env bash
# tune_bm25.sh: ibid's SciFact train figures over a grid of BM25 k1 and b.
#
#   bench/tune_bm25.sh [-s SPLIT] [-k K] [BUILD_DIR [IBID_SEARCH_OPTION...]]
#
# K1S and BS (environment, space-separated) give the grid; defaults "0.6 0.9 1.2 1.5" and
# "0.3 0.4 0.5 0.6 0.75".  SPLIT defaults to train (choose parameters there, then report test
# once with bench/eval_scifact.sh).  K (default 100) hits per query.  Each point runs
# bench/eval_scifact.sh -e ibid; other ibid-search options after BUILD_DIR are passed on.
# Prints a markdown table sorted by nDCG@10, best first.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SPLIT=train
K=100
while getopts "s:k:h" opt; do
  case "$opt" in
    s) SPLIT="$OPTARG" ;;
    k) K="$OPTARG" ;;
    *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
BUILD="${1:-build}"
[ $# -gt 0 ] && shift
K1S="${K1S:-0.6 0.9 1.2 1.5}"
BS="${BS:-0.3 0.4 0.5 0.6 0.75}"
OUT="$(mktemp -d "${TMPDIR:-/tmp}/ibid-tune.XXXXXX")"
trap 'rm -rf "$OUT"' EXIT

rows=()
for k1 in $K1S; do
  for b in $BS; do
    row="$("$ROOT/bench/eval_scifact.sh" -e ibid -s "$SPLIT" -k "$K" -o "$OUT" "$BUILD" "$@" \
      --k1 "$k1" --b "$b" 2>/dev/null | tail -n 1)"
    # "| ibid | train | ndcg | recall | mrr | n |" -> "| k1 | b | ndcg | recall | mrr | n |"
    rows+=("| $k1 | $b |$(printf '%s' "$row" | cut -d'|' -f4-)")
    echo "k1=$k1 b=$b:${row#| ibid | $SPLIT |}" >&2
  done
done
echo "| k1 | b | nDCG@10 | Recall@100 | MRR@10 | queries |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}" | sort -t'|' -k4,4r
