"""fit.py FEATURES.pkl f1,f2,...: coordinate ascent (RankLib style) of linear weights on
nDCG@10, 5-fold CV on train (SEED, POOL from the environment)."""
import math, sys, pickle, random
import lib

def prep(data, qr, names):
    """-> list of (qid, docids, gains, idcg, X rows)"""
    P=[]
    for q in qr:
        if q not in data:
            P.append((q,[],[],1.0,[])); continue
        cands,feats=data[q]
        judged=qr[q]
        ideal=sorted((g for g in judged.values() if g>=1),reverse=True)
        idcg=sum(g/math.log2(i+2) for i,g in enumerate(ideal[:10])) or 1.0
        o=sorted(range(len(cands)),key=lambda j:(cands[j][1],cands[j][0]),reverse=True)[:POOL]
        cands=[cands[j] for j in o]; feats=[feats[j] for j in o]
        P.append((q,[d for d,s in cands],[max(0,judged.get(d,0)) for d,s in cands],idcg,
                  [[f[n] for n in names] for f in feats]))
    return P

def qndcg(p, w):
    q,docs,gains,idcg,X=p
    if not docs: return 0.0
    sc=[(sum(a*b for a,b in zip(w,x)),d,g) for x,d,g in zip(X,docs,gains)]
    sc.sort(reverse=True)
    return sum(g/math.log2(i+2) for i,(s,d,g) in enumerate(sc[:10]) if g>0)/idcg

def score(P, w): return sum(qndcg(p,w) for p in P)/len(P)

def coord_ascent(P, names, w0=None, rounds=3, fixed0=True, steps=(0.5,0.2,0.1,0.05,0.02,-0.02,-0.05,-0.1,-0.2,-0.5)):
    w=list(w0) if w0 else [1.0]+[0.0]*(len(names)-1)
    best=score(P,w)
    for r in range(rounds):
        improved=False
        for j in range(1 if fixed0 else 0, len(names)):
            for st in steps:
                w2=list(w); w2[j]+=st*SC[names[j]]
                v=score(P,w2)
                if v>best+1e-9: best=v; w=w2; improved=True
        if not improved: break
    return w,best

SC={}
def set_scales(data, names):
    # step size unit for each feature = (std of bm25)/(std of feature)
    import statistics
    vals={n:[] for n in names}
    for q,(c,fs) in data.items():
        for f in fs:
            for n in names: vals[n].append(f[n])
    sb=statistics.pstdev(vals['bm25'])
    for n in names:
        s=statistics.pstdev(vals[n]); SC[n]=sb/s if s>0 else 1.0

import os
POOL=int(os.environ.get('POOL','100'))
def cv(data, qr, names, k=5, seed=int(os.environ.get('SEED','1')), rounds=3):
    qs=sorted(qr, key=lambda x:int(x)); random.Random(seed).shuffle(qs)
    folds=[qs[i::k] for i in range(k)]
    res=[]; ws=[]
    for i in range(k):
        test={q:qr[q] for q in folds[i]}; tr={q:qr[q] for f in folds[:i]+folds[i+1:] for q in f}
        Ptr=prep(data,tr,names); Pte=prep(data,test,names)
        w,_=coord_ascent(Ptr,names,rounds=rounds)
        base=score(Pte,[1.0]+[0.0]*(len(names)-1)); v=score(Pte,w)
        res.append((base,v)); ws.append(w)
    return res, ws

if __name__=='__main__':
    data=pickle.load(open(sys.argv[1],'rb')); qr=lib.qrels('train')
    names=sys.argv[2].split(',')
    set_scales(data,names)
    res,ws=cv(data,qr,names)
    d=[v-b for b,v in res]
    print(names, 'CV base %.4f rerank %.4f  delta %.4f  per-fold %s'%(lib.mean(b for b,v in res), lib.mean(v for b,v in res), lib.mean(d), ' '.join('%+.4f'%x for x in d)))
    for w in ws: print('  w', ' '.join('%s=%.3g'%(n,x) for n,x in zip(names,w)))
