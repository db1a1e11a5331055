"""rm3.py: RM3 (Anserini defaults: 10 feedback passages, 10 terms, original weight 0.5) as a
re-ranking of the top 100 of ibid, and variants; prints train nDCG@10 and the two halves."""
import math, os, sys, lib
from collections import Counter
c=lib.Corpus()
def run_rm3(split, runpath, fbdocs=10, fbterms=10, ow=0.5, maxdf=0.1, docw='score', newonly=False, pool=100):
    Q=lib.load_queries(split); run=lib.load_run(runpath); out={}
    for q,cands in run.items():
        qt=list(dict.fromkeys(t for t,p,f,form in Q[q] if not (f&1)))
        top=sorted(cands,key=lambda x:(x[1],x[0]),reverse=True)
        rel=Counter()
        for d,s in top[:fbdocs]:
            i=c.idx[d]; L=c.len[i] or 1
            w = s if docw=='score' else 1.0
            for t,f in c.tf[i].items():
                if c.df[t] > maxdf*c.N or not t.isalnum() or len(t)<2 or t.isdigit(): continue
                rel[t]+=w*f/L
        fb=rel.most_common(fbterms); z=sum(v for t,v in fb) or 1
        qw=Counter({t:ow/len(qt) for t in qt}) if qt else Counter()
        for t,v in fb:
            if newonly and t in qt: continue
            qw[t]+=(1-ow)*v/z
        res=[]
        for d,s in top[:pool]:
            i=c.idx[d]; tf=c.tf[i]; L=c.len[i]
            ex=sum(w*c.bm25(t,tf[t],L) for t,w in qw.items() if t not in qt and tf.get(t,0)>0)
            # original-term part: engine score (incl. title bonus) * ow/|q| + fb weight on original terms
            orig=sum((qw[t]-ow/len(qt))*c.bm25(t,tf[t],L) for t in qt if tf.get(t,0)>0)
            res.append((d, s*ow/len(qt) + orig + ex))
        out[q]=res
    return out
if __name__=='__main__':
    qr=lib.qrels('train')
    base=lib.ndcg_per_query(lib.load_run(os.environ['RERANK_OUT']+'/base.train.trec'),qr)
    qs=sorted(qr,key=int); h1=set(qs[:len(qs)//2])
    for kw in [dict(), dict(maxdf=1.0), dict(maxdf=0.05), dict(docw='one'), dict(ow=0.7), dict(ow=0.8), dict(ow=0.9), dict(fbdocs=5), dict(fbterms=20), dict(fbdocs=3,fbterms=10), dict(newonly=True)]:
        r=run_rm3('train',os.environ['RERANK_OUT']+'/base.train.trec',**kw)
        p=lib.ndcg_per_query(r,qr)
        d1=lib.mean(p[q]-base[q] for q in qs if q in h1); d2=lib.mean(p[q]-base[q] for q in qs if q not in h1)
        print(kw, '%.4f  halves %+.4f %+.4f'%(lib.mean(p.values()), d1, d2), flush=True)
