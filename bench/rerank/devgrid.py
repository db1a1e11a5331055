"""devgrid.py: nDCG@10 of the judged corpus dev queries for every weight combination of grid.py,
with (syn) and without (nosyn) synonyms; writes RERANK_OUT/devgrid.pkl."""
import os, pickle, sys, itertools
import lib
OUT=os.environ['RERANK_OUT']; JD=os.path.join(lib.BENCH,'judged')
import judged_eval as je, releval
keys,_=pickle.load(open(OUT+'/feat.train.pkl.grid','rb'))
grid=dict(dph=[0,0.5,0.75,1.0,1.5], midf=[0,0.1,0.2,0.4], loglen=[0,-0.5,-1,-2], prox=[0,0.1,0.2,0.4], titleb=[0,0.2,0.4])
combos=list(itertools.product(*[grid[k] for k in keys]))
ranges=je.read_passage_ranges(OUT+'/corpus/passages.jsonl')
judged=je.read_judged(JD+'/corpus-qrels.tsv')
splits=je.read_splits(JD+'/corpus-splits.tsv')
judged={q:v for q,v in judged.items() if splits.get(q)=='dev'}
out={}
for tag in ('syn','nosyn'):
    data=pickle.load(open(f'{OUT}/corpus/feat.dev.{tag}.pkl','rb'))
    for cb in combos:
        W=dict(bm25=1.0, **dict(zip(keys,cb)))
        run={}
        for q,(cands,feats) in data.items():
            if q not in judged: continue
            run[q]=[(d,sum(W[n]*f[n] for n in W)) for (d,s),f in zip(cands,feats)]
        nr,qr=je.rewrite(run,judged,ranges,lambda m:None)
        _,means,n=releval.evaluate(nr,qr)
        out[(tag,cb)]=means['ndcg_cut_10']
pickle.dump(out,open(OUT+'/devgrid.pkl','wb'))
z=tuple(0 for _ in keys)
print('base syn %.4f nosyn %.4f'%(out[('syn',z)],out[('nosyn',z)]))
