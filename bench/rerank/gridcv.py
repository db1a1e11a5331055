"""gridcv.py FEATURES.pkl.grid [feature=value...]: best combination on all of train, its halves,
and 5-fold CV (best combination of 4 folds scored on the 5th; 3 shuffles); a feature=value
argument restricts the grid."""
import pickle, sys, random, lib
keys,res=pickle.load(open(sys.argv[1],'rb'))
restrict=dict(a.split('=') for a in sys.argv[2:])  # e.g. prox=0 -> only combos with prox 0
combos=[cb for cb in res if all(float(restrict[k])==cb[keys.index(k)] for k in restrict)]
base=res[tuple(0 for _ in keys)]
qs=sorted(base,key=int)
def m(per,sub): return sum(per[q] for q in sub)/len(sub)
allbest=max(combos,key=lambda cb:m(res[cb],qs))
print('restrict',restrict,'combos',len(combos),'| full-train best',dict(zip(keys,allbest)),'%.4f (base %.4f)'%(m(res[allbest],qs),m(base,qs)))
h=len(qs)//2
print('  halves of best: %+.4f %+.4f'%(m(res[allbest],qs[:h])-m(base,qs[:h]), m(res[allbest],qs[h:])-m(base,qs[h:])))
for seed in (1,2,3):
    sh=list(qs); random.Random(seed).shuffle(sh); folds=[sh[i::5] for i in range(5)]
    d=[]; ch=[]
    for i in range(5):
        tr=[q for j,f in enumerate(folds) if j!=i for q in f]
        b=max(combos,key=lambda cb:m(res[cb],tr)); ch.append(b)
        d.append(m(res[b],folds[i])-m(base,folds[i]))
    print('  seed %d CV delta %+.4f  folds %s  picks %s'%(seed,sum(d)/5,' '.join('%+.4f'%x for x in d),' '.join(','.join('%g'%v for v in c) for c in ch)))
