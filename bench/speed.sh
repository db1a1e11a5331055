#!/usr/bin/env bash
# speed.sh: ibid next to SQLite FTS5 and Xapian, speed and size, on the same passages (issue 4).
#
#   bench/speed.sh [--smoke] [-r REPEAT] [-x XAPIAN_REPEAT] [-e ENGINES] [-o OUTDIR]
#                  [--no-scifact] [--data DIR --queries FILE] [BUILD_DIR]
#
# Builds ibid in release mode into BUILD_DIR (default build-speed; -DIBID_TESTS=OFF), the peers
# into $PEER_BUILD (default build-bench) and bench/ibid_qbench.c against ibid's libraries, then
# runs every engine in turn on the same data:
#   index   ibid-index on the source folder (1 thread, and 2 when ibid-index has --threads), the
#           peers on exactly ibid's passages (`ibid-index --print-passages`): wall and CPU
#           seconds, MB/s of source text (wall and CPU), peak RSS, index bytes with and without
#           the stored text, bits per occurrence (index bytes without the text * 8 / term
#           occurrences) where the engine tells its occurrences.  REPEAT times (Xapian
#           XAPIAN_REPEAT times: it takes minutes); medians.
#   query   the queries of bench/queries/ (1,000 drawn from Gutenberg with a fixed seed by
#           bench/gen_queries.py), top 10 and top 1000, REPEAT passes each, latency inside the
#           process (ibid: bench/ibid_qbench, the peers: their drivers); p50/p95/p99/mean.
#   process one whole `ibid-search` on the bundled corpus (hyperfine, 50 runs: mean wall time and
#           mean user + system CPU, next to /bin/true's on the same machine at the same moment).
#   scifact nDCG@10 of the SciFact test split for each engine (bench/eval_scifact.sh).
# Prints one markdown table with the ratios ibid/peer and writes the figures as JSON to
# OUTDIR/speed.json (default bench/out/speed, or bench/out/speed-smoke).
#
# --smoke: the bundled corpus/ and bench/queries/corpus-200.tsv, one repetition, no SciFact:
# about a minute (the CI check).  The full run (104 MB of Gutenberg) takes 15-25 minutes,
# most of it Xapian.  ENGINES: comma-separated among ibid,fts5,xapian (default all).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
SHARED="${IBID_SHARED_DIR:-$ROOT/../shared}"
PEER_BUILD="${PEER_BUILD:-$ROOT/build-bench}"
SMOKE=0 REPEAT="" XREPEAT="" ENGINES="ibid,fts5,xapian" OUT="" SCIFACT=1 DATA="" QUERIES=""

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }
die() { echo "speed: $*" >&2; exit 2; }
say() { echo "speed: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) SMOKE=1 ;;
    -r) REPEAT="$2"; shift ;;
    -x) XREPEAT="$2"; shift ;;
    -e) ENGINES="$2"; shift ;;
    -o) OUT="$2"; shift ;;
    --no-scifact) SCIFACT=0 ;;
    --data) DATA="$2"; shift ;;
    --queries) QUERIES="$2"; shift ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) break ;;
  esac
  shift
done
BUILD="${1:-build-speed}"  # a folder of its own: it is configured with -DIBID_TESTS=OFF
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
if [ "$SMOKE" = 1 ]; then
  DATA="${DATA:-$ROOT/corpus}"; QUERIES="${QUERIES:-$ROOT/bench/queries/corpus-200.tsv}"
  REPEAT="${REPEAT:-1}"; XREPEAT="${XREPEAT:-1}"; SCIFACT=0; OUT="${OUT:-$ROOT/bench/out/speed-smoke}"
else
  DATA="${DATA:-$SHARED/bench/gutenberg}"; QUERIES="${QUERIES:-$ROOT/bench/queries/gutenberg-1000.tsv}"
  REPEAT="${REPEAT:-3}"; XREPEAT="${XREPEAT:-1}"; OUT="${OUT:-$ROOT/bench/out/speed}"
fi
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac
[ -d "$DATA" ] || die "no data folder $DATA"
[ -f "$QUERIES" ] || die "no queries $QUERIES"
has() { case ",$ENGINES," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.tsv
cd "$ROOT"

# --- build ---------------------------------------------------------------------------------------
say "building ibid (Release) in $BUILD"
ibid_build_release "$ROOT" "$BUILD"
if has fts5 || has xapian; then
  say "building the peers in $PEER_BUILD"
  cmake -S "$ROOT/bench" -B "$PEER_BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$PEER_BUILD" -j2 >/dev/null
fi
IX="$BUILD/ibid-index" SX="$BUILD/ibid-search" QB="$BUILD/ibid_qbench"

# --- the data --------------------------------------------------------------------------------------
PASSAGES="$OUT/passages.jsonl"
"$IX" --print-passages "$DATA" > "$PASSAGES" || die "ibid-index --print-passages failed"
SRC_BYTES=$(find -L "$DATA" -type f ! -name 'ibid-*' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
printf '{"data": "%s", "queries": "%s", "source_bytes": %s, "passages": %s, "repeat": %s, "smoke": %s}\n' \
  "$DATA" "$QUERIES" "$SRC_BYTES" "$(wc -l < "$PASSAGES")" "$REPEAT" "$SMOKE" > "$OUT/run.json"

# /usr/bin/time -f: wall s, user s, sys s, peak RSS KiB
timed() { # out.json engine cmd...
  local f="$1" e="$2"; shift 2
  /usr/bin/time -f '%e %U %S %M' -o "$OUT/time.txt" "$@" >/dev/null 2>"$OUT/time.err" ||
    { cat "$OUT/time.err" >&2; die "$e: $* failed"; }
  read -r w u s m < <(tail -n 1 "$OUT/time.txt")
  awk -v e="$e" -v w="$w" -v u="$u" -v s="$s" -v m="$m" 'BEGIN {
    printf "{\"engine\": \"%s\", \"index_wall_s\": %.3f, \"index_cpu_s\": %.3f, \"peak_rss_kb\": %d}\n", e, w, u + s, m }' > "$f"
}

# --- indexing (--full: a rerun over an existing index would only update it) -------------------------
if has ibid; then
  THREADS_OPT=0
  "$IX" --help 2>&1 | grep -q -- '--threads' && THREADS_OPT=1
  for r in $(seq 1 "$REPEAT"); do
    if [ "$THREADS_OPT" = 1 ]; then
      say "ibid index, 1 thread ($r/$REPEAT)"
      timed "$OUT/ibid.index.$r.json" ibid "$IX" -q --full --threads 1 -o "$OUT/ibid.idx" "$DATA"
      say "ibid index, 2 threads ($r/$REPEAT)"
      timed "$OUT/ibid2.index.$r.json" ibid2 "$IX" -q --full --threads 2 -o "$OUT/ibid.idx" "$DATA"
    else
      say "ibid index ($r/$REPEAT)"
      timed "$OUT/ibid.index.$r.json" ibid "$IX" -q --full -o "$OUT/ibid.idx" "$DATA"
    fi
  done
  python3 bench/speed_report.py ixstat "$OUT/ibid.idx" > "$OUT/ibid.size.json"
fi
for e in fts5 xapian; do
  has "$e" || continue
  n="$REPEAT"; [ "$e" = xapian ] && n="$XREPEAT"
  db="$OUT/$e.db"
  for r in $(seq 1 "$n"); do
    say "$e index ($r/$n)"
    timed "$OUT/$e.time.$r.json" "$e" "$PEER_BUILD/${e}_run" --db "$db" --stats "$OUT/$e.index.$r.json" "$PASSAGES"
  done
done

# --- queries ------------------------------------------------------------------------------------------
for k in 10 1000; do
  if has ibid; then
    say "ibid queries, top $k"
    "$QB" -k "$k" --repeat "$REPEAT" --stats "$OUT/ibid.query$k.json" "$OUT/ibid.idx" "$QUERIES" 2>/dev/null ||
      die "ibid_qbench failed"
    # the whole answer (store reads and output) once: top 1000 reads ~1,000 store blocks a query
    "$QB" -k "$k" --repeat 1 --mode run --stats "$OUT/ibid-run.query$k.json" "$OUT/ibid.idx" "$QUERIES" 2>/dev/null ||
      die "ibid_qbench --mode run failed"
  fi
  for e in fts5 xapian; do
    has "$e" || continue
    say "$e queries, top $k"
    "$PEER_BUILD/${e}_run" --reuse --db "$OUT/$e.db" -k "$k" --repeat "$REPEAT" \
      --stats "$OUT/$e.query$k.json" "$PASSAGES" "$QUERIES" > /dev/null || die "${e}_run queries failed"
  done
done

# --- one whole ibid-search process on the bundled corpus ------------------------------------------------
if has ibid; then
  CIX="$OUT/corpus.ibid"
  "$IX" -q --full -o "$CIX" "$ROOT/corpus" || die "indexing corpus/ failed"
  PQ="$(head -n 1 "$ROOT/bench/queries/corpus-200.tsv" | cut -f 2)"
  say "one ibid-search process: '$PQ'"
  if command -v hyperfine >/dev/null; then
    # /bin/true: what starting any process costs on this machine at this moment
    hyperfine -N --warmup 5 --runs 50 --export-json "$OUT/process.hyperfine.json" \
      "$SX -i $CIX $PQ" /bin/true >/dev/null 2>&1 || die "hyperfine failed"
  else
    say "no hyperfine (apt-get install hyperfine): timing 50 runs with python"
    python3 - "$SX" "$CIX" "$PQ" > "$OUT/process.hyperfine.json" <<'EOF'
import json, subprocess, sys, time
cmd = [sys.argv[1], "-i", sys.argv[2]] + sys.argv[3].split()
t = []
for i in range(55):
    t0 = time.perf_counter(); subprocess.run(cmd, stdout=subprocess.DEVNULL); t.append(time.perf_counter() - t0)
t = sorted(t[5:])
print(json.dumps({"results": [{"mean": sum(t) / len(t), "median": t[len(t) // 2], "times": t}]}))
EOF
  fi
fi

# --- SciFact nDCG@10 ---------------------------------------------------------------------------------------
if [ "$SCIFACT" = 1 ]; then
  say "SciFact test (bench/eval_scifact.sh)"
  PEER_BUILD="$PEER_BUILD" bench/eval_scifact.sh -e "$ENGINES" -s test -k 100 -o "$OUT/scifact" "$BUILD" \
    > "$OUT/scifact.md" || die "eval_scifact.sh failed"
fi

python3 bench/speed_report.py report "$OUT"
