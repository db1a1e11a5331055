"""devsafe.py: the weight combinations that do not lower the judged dev queries (with and without
synonyms), their train nDCG@10, and 5-fold CV restricted to them."""
import os, pickle, random
OUT=os.environ['RERANK_OUT']
keys,res=pickle.load(open(OUT+'/feat.train.pkl.grid','rb'))
dev=pickle.load(open(OUT+'/devgrid.pkl','rb'))
z=tuple(0 for _ in keys); base=res[z]; qs=sorted(base,key=int)
def m(per,sub): return sum(per[q] for q in sub)/len(sub)
safe=[cb for cb in res if dev[('syn',cb)]>=dev[('syn',z)]-1e-9 and dev[('nosyn',cb)]>=dev[('nosyn',z)]-1e-9]
print(len(safe),'dev-safe combos of',len(res))
for cb in sorted(safe,key=lambda cb:-m(res[cb],qs))[:8]:
    print(dict(zip(keys,cb)),'train %.4f dev syn %.4f nosyn %.4f'%(m(res[cb],qs),dev[('syn',cb)],dev[('nosyn',cb)]))
h=len(qs)//2
for seed in (1,2,3):
    sh=list(qs); random.Random(seed).shuffle(sh); folds=[sh[i::5] for i in range(5)]
    d=[]
    for i in range(5):
        tr=[q for j,f in enumerate(folds) if j!=i for q in f]
        b=max(safe,key=lambda cb:m(res[cb],tr)); d.append(m(res[b],folds[i])-m(base,folds[i]))
    print('seed %d CV delta %+.4f folds %s'%(seed,sum(d)/5,' '.join('%+.4f'%x for x in d)))
# dev-softer: allow dev loss <= 0.005
soft=[cb for cb in res if dev[('syn',cb)]>=dev[('syn',z)]-0.005 and dev[('nosyn',cb)]>=dev[('nosyn',z)]-0.005]
print(len(soft),'combos within 0.005 on dev'); 
for cb in sorted(soft,key=lambda cb:-m(res[cb],qs))[:5]:
    print(dict(zip(keys,cb)),'train %.4f dev syn %.4f nosyn %.4f'%(m(res[cb],qs),dev[('syn',cb)],dev[('nosyn',cb)]))
