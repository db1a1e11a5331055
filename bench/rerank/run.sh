#!/usr/bin/env bash
# run.sh: the re-ranking prototype of docs/search-quality.md section 3 ("Third round"), on
# SciFact train and the judged corpus dev queries.  Never touches the test split.
#
#   bench/rerank/run.sh [BUILD_DIR]      (default build; needs ibid-index, ibid-search and
#                                         libibid_common.a there, gcc, libstemmer, libutf8proc)
#
# Writes everything to $RERANK_OUT (default bench/out/rerank): the analysed passages, the
# baseline runs (top 100, --all), the features, the grids; prints the CV and dev summaries.
# Takes about 10 minutes on one core (pure Python, no numpy).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SCIFACT="${IBID_SHARED_DIR:-$ROOT/../shared}/eval/scifact"
BUILD="${1:-build}"
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="${RERANK_OUT:-$ROOT/bench/out/rerank}"
export RERANK_OUT="$OUT" SCIFACT
mkdir -p "$OUT/corpus"

gcc -std=c11 -O2 -Wall -Wextra -Werror -I"$ROOT/common" "$HERE/tokdump.c" \
  "$BUILD/libibid_common.a" -lstemmer -lutf8proc -o "$OUT/tokdump"

# SciFact: passages = title + " " + text (as ibid-index makes them), titles, train queries
python3 - "$SCIFACT/docs.jsonl" "$OUT" <<'PY'
import json, sys
src, out = sys.argv[1], sys.argv[2]
with open(src) as f, open(out + '/docs.txt', 'w') as o, open(out + '/docids.txt', 'w') as i, \
     open(out + '/titles.txt', 'w') as t:
    for line in f:
        d = json.loads(line)
        o.write((d.get('title', '') + ' ' + d.get('text', '')).replace('\n', ' ').replace('\r', ' ') + '\n')
        i.write(d['id'] + '\n')
        t.write(d.get('title', '').replace('\n', ' ') + '\n')
PY
"$OUT/tokdump" < "$OUT/docs.txt" > "$OUT/docs.tok"
"$OUT/tokdump" < "$OUT/titles.txt" > "$OUT/titles.tok"
cut -f1 "$SCIFACT/queries.train.tsv" > "$OUT/q.train.ids"
cut -f2 "$SCIFACT/queries.train.tsv" | "$OUT/tokdump" > "$OUT/q.train.tok"
(cd "$SCIFACT" && "$BUILD/ibid-index" -o "$OUT/scifact.ibid" docs.jsonl) >&2
"$BUILD/ibid-search" -i "$OUT/scifact.ibid" --batch --format trec -n 100 --all --no-suggest \
  < "$SCIFACT/queries.train.tsv" > "$OUT/base.train.trec"
python3 "$ROOT/bench/releval.py" "$OUT/base.train.trec" "$SCIFACT/qrels.train.tsv"

cd "$HERE"
export RERANK_DATA="$OUT"
python3 feat.py train "$OUT/base.train.trec" "$OUT/feat.train.pkl"
echo "== single features and the coordinate-ascent fits (5-fold CV on train)"
for f in bm25,dph bm25,rm bm25,prox bm25,coord bm25,dph,title,loglen,coord,prox; do python3 fit.py "$OUT/feat.train.pkl" "$f"; done
echo "== RM3 as a re-ranking of the top 100"
python3 rm3.py
echo "== grid of weights (bm25 + dph, midf, loglen, prox, titleb)"
python3 grid.py "$OUT/feat.train.pkl"
python3 gridcv.py "$OUT/feat.train.pkl.grid"

# judged corpus queries: passages of corpus/, runs with and without synonyms
cd "$ROOT"
"$BUILD/ibid-index" --print-passages corpus/ > "$OUT/corpus/passages.jsonl"
"$BUILD/ibid-index" -o "$OUT/corpus/corpus.ibid" corpus/ >&2
python3 - "$OUT/corpus" <<'PY'
import json, sys
out = sys.argv[1]
with open(out + '/passages.jsonl') as f, open(out + '/docs.txt', 'w') as o, \
     open(out + '/docids.txt', 'w') as i, open(out + '/titles.txt', 'w') as t:
    for line in f:
        d = json.loads(line)
        o.write(d['text'].replace('\n', ' ').replace('\r', ' ') + '\n')
        i.write((d.get('id') or '%s:%d' % (d['file'], d['line'])) + '\n')
        t.write((d.get('work') or '').replace('\n', ' ') + '\n')
PY
"$OUT/tokdump" < "$OUT/corpus/docs.txt" > "$OUT/corpus/docs.tok"
"$OUT/tokdump" < "$OUT/corpus/titles.txt" > "$OUT/corpus/titles.tok"
cut -f1 bench/judged/corpus-queries.tsv > "$OUT/corpus/q.dev.ids"
cut -f2 bench/judged/corpus-queries.tsv | "$OUT/tokdump" > "$OUT/corpus/q.dev.tok"
for tag in syn nosyn; do
  opt=(); [ "$tag" = nosyn ] && opt=(--no-synonyms)
  "$BUILD/ibid-search" -i "$OUT/corpus/corpus.ibid" --batch --format trec -n 100 --all --no-suggest \
    "${opt[@]}" < bench/judged/corpus-queries.tsv > "$OUT/corpus/$tag.trec" || [ $? -le 1 ]
  (cd "$HERE" && RERANK_DATA="$OUT/corpus" python3 feat.py dev "$OUT/corpus/$tag.trec" "$OUT/corpus/feat.dev.$tag.pkl")
done
cd "$HERE"
echo "== judged corpus dev queries"
python3 devgrid.py
python3 - <<'PY'
import os, pickle
out = os.environ['RERANK_OUT']
keys, _ = pickle.load(open(out + '/feat.train.pkl.grid', 'rb'))
dev = pickle.load(open(out + '/devgrid.pkl', 'rb'))
for cb in [(1.0, 0.2, -2, 0.2, 0.2), (0.75, 0, 0, 0, 0), (0, 0, -2, 0, 0)]:
    print(dict(zip(keys, cb)), 'dev nDCG@10 syn %.4f nosyn %.4f' % (dev[('syn', cb)], dev[('nosyn', cb)]))
PY
python3 devsafe.py
