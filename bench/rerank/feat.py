"""feat.py SPLIT RUN OUT.pkl: features of the top 100 of an ibid TREC run (the run's score is
bm25); see README.md for each feature."""
import math, sys, pickle
from collections import Counter, defaultdict
import lib

def min_window(lists):
    """smallest window [a,b] containing one position from each list; returns b-a+1"""
    import heapq
    if not lists: return None
    h=[(l[0],i,0) for i,l in enumerate(lists)]
    heapq.heapify(h); hi=max(x[0] for x in h); best=hi-h[0][0]+1
    while True:
        lo,i,j=heapq.heappop(h)
        best=min(best,hi-lo+1)
        if j+1>=len(lists[i]): return best
        nxt=lists[i][j+1]; hi=max(hi,nxt); heapq.heappush(h,(nxt,i,j+1))

def mindist(pa,pb):
    i=j=0; best=10**9
    while i<len(pa) and j<len(pb):
        d=abs(pa[i]-pb[j]); best=min(best,d)
        if pa[i]<pb[j]: i+=1
        else: j+=1
    return best

def features(c, qtoks, cands, fbdocs=10, fbterms=10, mu=500):
    """cands: [(docid, engine score)] -> list of feature dicts"""
    seq=[t for t,p,f,form in qtoks if not (f&1)]
    qt=list(dict.fromkeys(seq))
    joined=[t for t,p,f,form in qtoks if (f&1)]
    idf={t:c.idf(t) for t in qt}
    sidf=sum(idf.values()) or 1.0
    pairs=[(a,b) for a,b in zip(seq,seq[1:]) if a!=b]
    # RM3-ish feedback model from top fbdocs
    top=sorted(cands,key=lambda x:(x[1],x[0]),reverse=True)[:fbdocs]
    rel=Counter()
    for d,s in top:
        i=c.idx[d]; L=c.len[i] or 1
        w=math.exp(s - top[0][1]) if False else s
        for t,f in c.tf[i].items():
            if c.df[t] > 0.5*c.N: continue  # skip very common
            rel[t]+=s*f/L
    z=sum(rel.values()) or 1
    fb=[(t,v/z) for t,v in rel.most_common(fbterms)]
    fbz=sum(v for t,v in fb) or 1
    fbnew=[(t,v) for t,v in fb if t not in idf]
    out=[]
    for d,s in cands:
        i=c.idx[d]; tf=c.tf[i]; L=c.len[i]; pos=c.pos[i]
        m=[t for t in qt if tf.get(t,0)>0]
        coord=sum(idf[t] for t in m)/sidf
        lm=0.0; dph=0.0
        for t in qt:
            f=tf.get(t,0); pc=(c.cf.get(t,0)+0.5)/c.total
            lm+=math.log((f+mu*pc)/(L+mu))
            if f>0:
                fr=f/L; norm=(1-fr)*(1-fr)/(f+1)
                F=c.cf[t]
                dph+=norm*(f*math.log2((f*c.avglen/L)*(c.N/F))+0.5*math.log2(2*math.pi*f*(1-fr)))
        lm/=max(1,len(qt))
        prox=0.0
        for a,b in pairs:
            if a in pos and b in pos:
                dd=mindist(pos[a],pos[b])
                prox+=(idf[a]+idf[b])/(max(dd,1)**2)
        w=min_window([pos[t] for t in m]) if len(m)>1 else None
        span=(len(m)/w) if w else 0.0
        ttl=sum(idf[t]*c.ttf[i][t]/(c.ttf[i][t]+K1) for t in qt if c.ttf[i].get(t,0)>0) if c.ttf[i] else 0.0
        titleb=sum(idf[t] for t in qt if c.ttf[i].get(t,0)>0)
        rm=sum(v/fbz*c.bm25(t,tf[t],L) for t,v in fb if tf.get(t,0)>0)
        rmnew=sum(v/fbz*c.bm25(t,tf[t],L) for t,v in fbnew if tf.get(t,0)>0)
        out.append(dict(bm25=s, coord=coord, lm=lm, dph=dph, prox=prox, span=span, title=ttl,
                        loglen=math.log(L+1), titleb=titleb, midf=coord*sidf, loglens=math.log(L+1)*sidf, bm25n=s/sidf, dphn=dph/sidf, proxn=prox/sidf, titlebn=titleb/sidf, rm=rm, rmnew=rmnew, nmatch=len(m)/max(1,len(qt))))
    return out
K1=0.9

if __name__=='__main__':
    split=sys.argv[1]; runpath=sys.argv[2]; outp=sys.argv[3]
    c=lib.Corpus(); Q=lib.load_queries(split); run=lib.load_run(runpath)
    data={}
    for q,cands in run.items():
        data[q]=(cands, features(c,Q[q],cands))
    pickle.dump(data,open(outp,'wb'))
