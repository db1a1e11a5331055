#!/usr/bin/env bash
# update_bench.sh: the incremental-update figures of issue 7 on Gutenberg (270 books, 104 MB).
#
#   bench/update_bench.sh [-r REPEAT] [-o OUTDIR] [--data DIR] [--queries FILE] [BUILD_DIR]
#
# Builds ibid in release mode into BUILD_DIR (default build-upbench; -DIBID_TESTS=OFF) and
# bench/ibid_qbench.c against its libraries (as speed.sh does), copies the books into OUTDIR
# (cp -a: the copies keep their mtimes) and measures, REPEAT times each (default 3; medians of
# wall and CPU = user + sys seconds from /usr/bin/time):
#   (a) add one book   the book whose size is closest to 400 KB (400,000 bytes) is left out of a
#                      folder of the other books; the index of that folder (a full build) is
#                      restored before each repetition, the book copied in, and `ibid-index -o
#                      INDEX FOLDER` run over the whole folder.  Against (full): the full rebuild
#                      of the 270 books (`ibid-index --full`).  Target: <= 5% of the full rebuild.
#   (b) no change      `ibid-index -o INDEX FOLDER` again over the full build of the same folder:
#                      nothing changed, nothing written.  Target: <= 2% of the full rebuild.
#   (c) 10 segments    the books indexed in 10 incremental runs of unequal size, so that the
#                      tiered merge policy (indexer/merge_policy.h: 4 segments in one tier are
#                      merged; tiers grow by 4 from 2,048 passages) keeps all 10 segments: one run
#                      of the remaining books (tier 4), then 3 runs of >= 40,000 passages (tier 3),
#                      3 of >= 12,000 (tier 2) and 3 of >= 3,000 (tier 1), books drawn in a fixed
#                      pseudo-random order.  A copy is merged into one segment with `ibid-index
#                      --optimize`.  bench/ibid_qbench answers the queries (default
#                      bench/queries/gutenberg-1000.tsv) top 10 on both, once per repetition,
#                      alternating, after a first pass over each that is not counted (it
#                      reads the pages from disk); medians of p50/p95/p99/mean.  Target: mean and p50 <= 1.5x.
#                      Also: `ibid-search --batch --json` over the first 200 queries gives the same
#                      bytes on both indexes (cmp), and the no-change rerun on the 10 segments.
# Prints one markdown table and writes the figures as JSON to OUTDIR/update.json (default
# bench/out/update).  About 10 minutes on 2 loaded cores.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
SHARED="${IBID_SHARED_DIR:-$ROOT/../shared}"
REPEAT=3 OUT="" DATA="" QUERIES=""

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }
die() { echo "update_bench: $*" >&2; exit 2; }
say() { echo "update_bench: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    -r) REPEAT="$2"; shift ;;
    -o) OUT="$2"; shift ;;
    --data) DATA="$2"; shift ;;
    --queries) QUERIES="$2"; shift ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) break ;;
  esac
  shift
done
BUILD="${1:-build-upbench}"
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
DATA="${DATA:-$SHARED/bench/gutenberg}"
QUERIES="${QUERIES:-$ROOT/bench/queries/gutenberg-1000.tsv}"
OUT="${OUT:-$ROOT/bench/out/update}"
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac
case "$DATA" in /*) ;; *) DATA="$PWD/$DATA" ;; esac
case "$QUERIES" in /*) ;; *) QUERIES="$PWD/$QUERIES" ;; esac
[ -d "$DATA" ] || die "no data folder $DATA"
[ -f "$QUERIES" ] || die "no queries $QUERIES"
mkdir -p "$OUT"
cd "$ROOT"

# --- build -----------------------------------------------------------------------------------------
say "building ibid (Release) in $BUILD"
ibid_build_release "$ROOT" "$BUILD"
IX="$BUILD/ibid-index" SX="$BUILD/ibid-search" QB="$BUILD/ibid_qbench"

# --- the data ----------------------------------------------------------------------------------------
W="$OUT/work"
rm -rf "$W" "$OUT"/*.json "$OUT"/*.txt
mkdir -p "$W"
ALL="$W/all"          # every book
LESS="$W/less"        # every book but the one added in (a)
TEN="$W/ten"          # filled in 10 steps for (c)
cp -a "$DATA" "$ALL"
# passages per book (relative path), for the plan of (c)
"$IX" --print-passages "$ALL" | python3 -c '
import json, sys, collections
root = sys.argv[1].rstrip("/") + "/"
c = collections.Counter(json.loads(l)["file"] for l in sys.stdin)
for f, n in sorted(c.items()):
    print(f"{n}\t{f[len(root):] if f.startswith(root) else f}")' "$ALL" > "$OUT/passages.tsv"
BOOK="$(cd "$ALL" && find . -type f ! -name 'ibid-*' -printf '%s\t%P\n' |
        awk -F '\t' '{ d = $1 - 400000; if (d < 0) d = -d; if (best == "" || d < bd) { bd = d; best = $2 } }
                      END { print best }')"
BOOK_BYTES=$(stat -c %s "$ALL/$BOOK")
NBOOKS=$(find "$ALL" -type f ! -name 'ibid-*' | wc -l)
SRC_BYTES=$(find "$ALL" -type f ! -name 'ibid-*' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
say "$NBOOKS books, $SRC_BYTES bytes; the added book: $BOOK ($BOOK_BYTES bytes)"
cp -a "$ALL" "$LESS"
rm "$LESS/$BOOK"

# /usr/bin/time: prints "wall cpu" (cpu = user + sys); the command's output is thrown away
timed() { # label cmd...
  local label="$1"; shift
  /usr/bin/time -f '%e %U %S' -o "$OUT/time.txt" "$@" >/dev/null 2>"$OUT/time.err" || {
    local rc=$?
    # ibid-index exits 1 when it skipped some input: still a finished run
    [ "$rc" = 1 ] || { cat "$OUT/time.err" >&2; die "$label: $* failed ($rc)"; }
  }
  tail -n 1 "$OUT/time.txt" | awk -v l="$label" '{ printf "%s\t%.3f\t%.3f\n", l, $1, $2 + $3 }' >> "$OUT/times.tsv"
}
: > "$OUT/times.tsv"

# --- (full) and (b) -------------------------------------------------------------------------------------
FULL="$W/full.ibid"
for r in $(seq 1 "$REPEAT"); do
  say "full rebuild of the $NBOOKS books ($r/$REPEAT)"
  timed full "$IX" -q --full -o "$FULL" "$ALL"
done
"$IX" --check "$FULL" > "$OUT/check-full.txt"
for r in $(seq 1 "$REPEAT"); do
  say "no-change rerun over the full build ($r/$REPEAT)"
  timed nochange "$IX" -q -o "$FULL" "$ALL"
done
[ ! -e "$FULL.d" ] || [ -z "$(ls "$FULL.d" 2>/dev/null | grep -v '^lock.ibid$' || true)" ] ||
  die "the no-change rerun wrote segments into $FULL.d"

# --- (a) ----------------------------------------------------------------------------------------------
LIX="$W/less.ibid"
"$IX" -q -o "$LIX" "$LESS" || die "indexing the $((NBOOKS - 1)) books failed"
cp "$LIX" "$W/less.saved"
for r in $(seq 1 "$REPEAT"); do
  rm -rf "${LIX:?}" "$LIX.d" "${LESS:?}/${BOOK:?}"
  cp "$W/less.saved" "$LIX"
  # a fresh copy of the book (a new mtime: what a user's cp does), then the update
  cp "$ALL/$BOOK" "$LESS/$BOOK"
  say "adding one book ($r/$REPEAT)"
  timed add "$IX" -q -o "$LIX" "$LESS"
done
"$IX" --check "$LIX" > "$OUT/check-add.txt"
grep -q ' 2 segments' "$OUT/check-add.txt" || die "after adding one book: $(cat "$OUT/check-add.txt")"

# --- (c) ----------------------------------------------------------------------------------------------
python3 - "$OUT/passages.tsv" > "$OUT/plan.tsv" <<'EOF'
# step<TAB>book: 10 groups whose passage counts sit in 4 different tiers of the merge policy
import random, sys
books = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
books = [(int(n), f) for n, f in books]
random.Random(20261123).shuffle(books)
FLOOR = 2048
def tier(n):
    t, cap = 0, FLOOR
    while n >= cap:
        t, cap = t + 1, cap * 4
    return t
# steps 2..10: (low target, tier wanted); step 1 takes the rest
want = [(40000, 3)] * 3 + [(12000, 2)] * 3 + [(3000, 1)] * 3
groups = {}
pool = books[:]
for step in range(10, 1, -1):        # the small groups first, from the shuffled pool
    low, t = want[step - 2]
    high = FLOOR * 4 ** t            # stay below the next tier
    g, s = [], 0
    for b in list(pool):
        if s >= low:
            break
        if s + b[0] < high:
            g.append(b); s += b[0]; pool.remove(b)
    if tier(s) != t:
        sys.exit(f"plan: step {step}: {s} passages, tier {tier(s)} (wanted {t})")
    groups[step] = g
groups[1] = pool
if tier(sum(n for n, _ in pool)) <= 3:
    sys.exit("plan: the first step is not above tier 3")
for step in range(1, 11):
    for n, f in groups[step]:
        print(f"{step}\t{f}")
EOF
TIX="$W/ten.ibid"
mkdir -p "$TEN"
# sidecars (ibid-catalog.tsv, ...) from the start, as in the full folder
(cd "$ALL" && find . -type f -name 'ibid-*' -printf '%P\n') | while IFS= read -r f; do
  mkdir -p "$TEN/$(dirname "$f")"
  cp -a "$ALL/$f" "$TEN/$f"
done
for step in $(seq 1 10); do
  awk -F '\t' -v s="$step" '$1 == s { print $2 }' "$OUT/plan.tsv" | while IFS= read -r f; do
    mkdir -p "$TEN/$(dirname "$f")"
    cp -a "$ALL/$f" "$TEN/$f"
  done
  "$IX" -q -o "$TIX" "$TEN" || die "10 segments: step $step failed"
done
"$IX" --check "$TIX" > "$OUT/check-ten.txt" || die "--check of the 10 segments failed"
NSEG=$(sed -n 's/.* \([0-9][0-9]*\) segments.*/\1/p' "$OUT/check-ten.txt")
[ "$NSEG" = 10 ] || die "the 10-segment index has $NSEG segments: $(cat "$OUT/check-ten.txt")"
for r in $(seq 1 "$REPEAT"); do
  say "no-change rerun over the 10 segments ($r/$REPEAT)"
  timed nochange10 "$IX" -q -o "$TIX" "$TEN"
done
MIX="$W/merged.ibid"
rm -rf "$MIX" "$MIX.d"
cp -a "$TIX" "$MIX"
cp -a "$TIX.d" "$MIX.d"
timed optimize "$IX" -q --optimize -o "$MIX"
"$IX" --check "$MIX" > "$OUT/check-merged.txt" || die "--check of the merged index failed"
head -n 200 "$QUERIES" > "$OUT/q200.tsv"
"$SX" -i "$TIX" --batch --json < "$OUT/q200.tsv" > "$OUT/ten.json" || [ $? = 1 ] || die "ibid-search on 10 segments failed"
"$SX" -i "$MIX" --batch --json < "$OUT/q200.tsv" > "$OUT/merged.json" || [ $? = 1 ] || die "ibid-search on the merged index failed"
SAME=true
cmp -s "$OUT/ten.json" "$OUT/merged.json" || SAME=false
say "same results on 200 queries: $SAME ($(wc -l < "$OUT/ten.json") hit lines)"
# a first pass over each index, not counted: its pages come from disk
"$QB" -k 10 --repeat 1 "$TIX" "$QUERIES" >/dev/null 2>&1 || die "ibid_qbench failed"
"$QB" -k 10 --repeat 1 "$MIX" "$QUERIES" >/dev/null 2>&1 || die "ibid_qbench failed"
for r in $(seq 1 "$REPEAT"); do
  say "queries, 10 segments and merged ($r/$REPEAT)"
  "$QB" -k 10 --repeat 1 --stats "$OUT/q10.$r.json" "$TIX" "$QUERIES" 2>/dev/null || die "ibid_qbench failed"
  "$QB" -k 10 --repeat 1 --stats "$OUT/q1.$r.json" "$MIX" "$QUERIES" 2>/dev/null || die "ibid_qbench failed"
done

# --- report -------------------------------------------------------------------------------------------
python3 - "$OUT" "$REPEAT" "$BOOK" "$BOOK_BYTES" "$NBOOKS" "$SRC_BYTES" "$SAME" "$NSEG" <<'EOF'
import json, statistics, sys
out, rep, book, book_bytes, nbooks, src_bytes, same, nseg = sys.argv[1:]
rep = int(rep)
times = {}
for line in open(f"{out}/times.tsv"):
    label, w, c = line.split("\t")
    times.setdefault(label, []).append((float(w), float(c)))
med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in times.items()}
lat = {}
for name in ("q10", "q1"):
    runs = [json.load(open(f"{out}/{name}.{r}.json"))["latency_ms"] for r in range(1, rep + 1)]
    lat[name] = {k: statistics.median(x[k] for x in runs) for k in ("p50", "p95", "p99", "mean")}
fw, fc = med["full"]
res = {
    "data_books": int(nbooks), "source_bytes": int(src_bytes), "repeat": rep,
    "added_book": book, "added_book_bytes": int(book_bytes),
    "wall_cpu_s": {k: {"wall": v[0], "cpu": v[1]} for k, v in med.items()},
    "runs": {k: [{"wall": w, "cpu": c} for w, c in v] for k, v in times.items()},
    "add_over_full": {"wall": med["add"][0] / fw, "cpu": med["add"][1] / fc, "target": 0.05},
    "nochange_over_full": {"wall": med["nochange"][0] / fw, "cpu": med["nochange"][1] / fc, "target": 0.02},
    "segments": int(nseg),
    "latency_ms_10_segments": lat["q10"], "latency_ms_merged": lat["q1"],
    "latency_ratio": {k: lat["q10"][k] / lat["q1"][k] for k in lat["q1"]},
    "same_results_200_queries": same == "true",
}
json.dump(res, open(f"{out}/update.json", "w"), indent=1)
def pct(x): return f"{100 * x:.2f}%"
rows = [
    ("full rebuild, %d books (s)" % res["data_books"], f"{fw:.2f}", f"{fc:.2f}", "", ""),
    ("add one book, %s KB (s)" % round(int(book_bytes) / 1000), f"{med['add'][0]:.3f}", f"{med['add'][1]:.3f}",
     f"{pct(res['add_over_full']['wall'])} / {pct(res['add_over_full']['cpu'])}", "<= 5%"),
    ("no-change rerun (s)", f"{med['nochange'][0]:.3f}", f"{med['nochange'][1]:.3f}",
     f"{pct(res['nochange_over_full']['wall'])} / {pct(res['nochange_over_full']['cpu'])}", "<= 2%"),
    ("no-change rerun, 10 segments (s)", f"{med['nochange10'][0]:.3f}", f"{med['nochange10'][1]:.3f}",
     f"{pct(med['nochange10'][0] / fw)} / {pct(med['nochange10'][1] / fc)}", ""),
    ("--optimize of the 10 segments (s)", f"{med['optimize'][0]:.2f}", f"{med['optimize'][1]:.2f}",
     f"{pct(med['optimize'][0] / fw)} / {pct(med['optimize'][1] / fc)}", ""),
]
print(f"Gutenberg: {nbooks} books, {int(src_bytes) / 1e6:.1f} MB; medians of {rep} runs; "
      f"added book {book} ({int(book_bytes):,} bytes)\n")
print("| run | wall | CPU (user+sys) | / full rebuild (wall / CPU) | target |")
print("|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print(f"\nQueries: {nseg} segments against one merged segment (ibid_qbench, 1,000 queries, top 10; "
      f"medians of {rep} runs); same --json output on 200 queries: {'yes' if same == 'true' else 'NO'}\n")
print("| latency ms | 10 segments | merged | ratio | target |")
print("|---|---|---|---|---|")
for k in ("p50", "p95", "p99", "mean"):
    t = "<= 1.5x" if k in ("p50", "mean") else ""
    print(f"| {k} | {lat['q10'][k]:.3f} | {lat['q1'][k]:.3f} | {res['latency_ratio'][k]:.2f}x | {t} |")
EOF
