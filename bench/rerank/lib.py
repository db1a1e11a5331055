"""lib.py: what the rerank prototype scripts share: the analysed passages (tokdump output),
BM25 exactly as searcher/bm25.c computes it, queries, runs and qrels (bench/releval.py)."""
import math, os, sys, random
from collections import Counter, defaultdict
BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, BENCH)
import releval
D = os.environ.get('SCIFACT', os.path.join(BENCH, '..', '..', 'shared', 'eval', 'scifact'))
H = os.environ['RERANK_DATA']  # the folder run.sh fills (docs.tok, docids.txt, q.SPLIT.tok...)
K1, B = 0.9, 0.4

def parse_tok(line):
    out=[]
    if not line: return out
    for t in line.split('\t'):
        p=t.split(' ')
        out.append((p[0], int(p[1]), int(p[2]), p[3] if len(p)>3 else ''))
    return out

class Corpus:
    def __init__(self):
        self.ids=[l.strip() for l in open(H+'/docids.txt')]
        self.idx={d:i for i,d in enumerate(self.ids)}
        self.tf=[]; self.pos=[]; self.len=[]; self.ttf=[]
        df=Counter(); cf=Counter()
        for line in open(H+'/docs.tok').read().split('\n')[:len(self.ids)]:
            toks=parse_tok(line)
            c=Counter(); p=defaultdict(list)
            for term,ps,fl,form in toks:
                c[term]+=1; p[term].append(ps)
            self.tf.append(c); self.pos.append(p)
            self.len.append(sum(1 for t in toks if not (t[2]&1)))
            df.update(c.keys()); cf.update(c)
        for line in open(H+'/titles.tok').read().split('\n')[:len(self.ids)]:
            self.ttf.append(Counter(t[0] for t in parse_tok(line)))
        self.df=df; self.cf=cf; self.N=len(self.ids)
        self.avglen=sum(self.len)/self.N; self.total=sum(self.len)
        self.inv=defaultdict(list)
        for i,c in enumerate(self.tf):
            for t,f in c.items(): self.inv[t].append((i,f))
    def idf(self,t):
        df=self.df.get(t,0); return math.log(1+(self.N-df+0.5)/(df+0.5))
    def bm25(self,t,tf,L,k1=K1,b=B):
        return self.idf(t)*tf*(k1+1)/(tf+k1*(1-b+b*L/self.avglen))

def load_queries(split):
    ids=[l.strip() for l in open(f'{H}/q.{split}.ids')]
    lines=open(f'{H}/q.{split}.tok').read().split('\n')[:len(ids)]
    return {q:parse_tok(l) for q,l in zip(ids,lines)}

def load_run(path):
    return releval.read_run(path)

def qrels(split):
    return releval.read_qrels(f'{D}/qrels.{split}.tsv')

def ndcg_per_query(run, qr):
    """run {qid: [(docid,score)]} -> {qid: ndcg}"""
    return {q: releval.eval_query(run.get(q,[]), qr[q])['ndcg_cut_10'] for q in qr}

def mean(xs): xs=list(xs); return sum(xs)/len(xs) if xs else 0.0
