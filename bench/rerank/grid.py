"""grid.py FEATURES.pkl: train nDCG@10 per query for every weight combination of the grid below
(score = bm25 + sum of weight x feature); writes FEATURES.pkl.grid."""
import pickle, sys, math, random, itertools, lib, os
data=pickle.load(open(sys.argv[1],'rb')); qr=lib.qrels(sys.argv[2] if len(sys.argv)>2 else 'train')
names=['bm25','dph','midf','loglen','prox','titleb']
grid=dict(dph=[0,0.5,0.75,1.0,1.5], midf=[0,0.1,0.2,0.4], loglen=[0,-0.5,-1,-2], prox=[0,0.1,0.2,0.4], titleb=[0,0.2,0.4])
keys=list(grid)
combos=list(itertools.product(*[grid[k] for k in keys]))
P={}
for q in qr:
    if q not in data: continue
    cands,feats=data[q]; judged=qr[q]
    ideal=sorted((g for g in judged.values() if g>=1),reverse=True)
    idcg=sum(g/math.log2(i+2) for i,g in enumerate(ideal[:10])) or 1.0
    P[q]=(idcg,[(d,max(0,judged.get(d,0)),[f[n] for n in names]) for (d,s),f in zip(cands,feats)])
res={}
for cb in combos:
    w=[1.0]+list(cb); per={}
    for q in qr:
        if q not in P: per[q]=0.0; continue
        idcg,rows=P[q]
        sc=sorted(((sum(a*b for a,b in zip(w,x)),d,g) for d,g,x in rows),reverse=True)[:10]
        per[q]=sum(g/math.log2(i+2) for i,(s,d,g) in enumerate(sc) if g>0)/idcg
    res[cb]=per
pickle.dump((keys,res),open(sys.argv[1]+'.grid','wb'))
