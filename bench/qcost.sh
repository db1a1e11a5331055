#!/usr/bin/env bash
# qcost.sh: instructions per query (callgrind), a load-independent view of ibid's query latency.
#
#   bench/qcost.sh [-k N] [--exhaustive] BUILD_DIR INDEX QUERIES.tsv > costs.tsv
#
# Builds bench/ibid_qcost.c against BUILD_DIR's static libraries (a Release build of ibid), runs
# it under valgrind's callgrind (about a minute per 100 Gutenberg queries) and prints
# `qid<TAB>instructions` for every query, then on stderr p50/p95/p99/mean over the queries.
# The machine this project runs on is shared and often loaded 5-15 on 2 cores: wall and CPU
# times of one query vary 2-5x, instruction counts do not (docs/performance.md, session 2).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ARGS=()
while [ $# -gt 3 ]; do ARGS+=("$1"); shift; done
[ $# -eq 3 ] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
BUILD="$1" INDEX="$2" QUERIES="$3"
command -v valgrind >/dev/null || { echo "qcost: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
LIBS="$(pkg-config --libs zlib libutf8proc libdeflate jansson) -lstemmer -lm"
pkg-config --exists libxxhash 2>/dev/null && LIBS="$LIBS $(pkg-config --libs libxxhash)"
# shellcheck disable=SC2086
cc -std=c11 -O2 -DNDEBUG -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
   -I"$ROOT/common" -I"$ROOT/searcher" -I"$ROOT/bench/peers" "$ROOT/bench/ibid_qcost.c" \
   "$ROOT/bench/peers/peer_common.c" "$BUILD/libibid_searcher.a" "$BUILD/libibid_common.a" $LIBS \
   -o "$TMP/ibid_qcost"
valgrind --tool=callgrind --collect-atstart=yes --dump-instr=no --callgrind-out-file="$TMP/cg.out" \
  "$TMP/ibid_qcost" "${ARGS[@]}" "$INDEX" "$QUERIES" >/dev/null 2>"$TMP/valgrind.err" ||
  { cat "$TMP/valgrind.err" >&2; exit 2; }
for f in "$TMP"/cg.out.*; do
  q="$(sed -n 's/^desc: Trigger: Client Request: //p' "$f" | head -n 1)"
  n="$(awk '/^summary:/ { print $2; exit }' "$f")"
  [ -n "$q" ] && [ -n "$n" ] && printf '%s\t%s\n' "$q" "$n"
done | sort -t"$(printf '\t')" -k1,1 > "$TMP/costs.tsv"
cat "$TMP/costs.tsv"
awk -F'\t' '{ print $2 }' "$TMP/costs.tsv" | sort -n | awk '
  { v[NR] = $1; s += $1 }
  function p(q,  i) { i = int(q * NR + 0.999999); if (i < 1) i = 1; return v[i] }
  END { if (NR) printf "qcost: %d queries, instructions p50 %.2fM p95 %.2fM p99 %.2fM mean %.2fM\n",
                NR, p(0.5) / 1e6, p(0.95) / 1e6, p(0.99) / 1e6, s / NR / 1e6 > "/dev/stderr" }'
