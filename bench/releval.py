#!/usr/bin/env python3
"""releval.py: nDCG@10, Recall@100 and MRR@10 of a TREC run, computed as trec_eval does.

Usage:
    releval.py RUN QRELS                 trec_eval-style lines: measure, "all", value
    releval.py RUN QRELS -q              the same per query, then "all"
    releval.py RUN QRELS --row 'ibid|test'   one markdown table row:
                                         | ibid | test | nDCG@10 | Recall@100 | MRR@10 | queries |
    releval.py RUN QRELS --json          the figures as one JSON object
    releval.py --selftest                check the code against a small example computed by hand

RUN lines: `qid Q0 docid rank score tag` (whitespace separated; the rank column is ignored).
QRELS lines: `qid iter docid grade` (whitespace separated; a first line whose grade is not an
integer, such as BEIR's header, is skipped).

What "as trec_eval does" means here (trec_eval 9.0.x: form_res_rels.c, m_ndcg_cut.c,
m_recall.c, m_recip_rank.c), figure by figure equal to

    trec_eval -c -m ndcg_cut.10 QRELS RUN       -> nDCG@10
    trec_eval -c -m recall.100 QRELS RUN        -> Recall@100
    trec_eval -c -M 10 -m recip_rank QRELS RUN  -> MRR@10

* Order: trec_eval ignores the rank column. It sorts each query's results by score descending
  (scores read as C doubles) and breaks ties by docid in DESCENDING strcmp order
  (`comp_sim_docno` returns strcmp(p2->docno, p1->docno)): of two tied documents "d2" comes
  before "d10", because strcmp compares bytes and "d2" > "d10". Python compares str by code
  point, which is the order of the UTF-8 bytes, the same as strcmp.
  A docid repeated within one query is an error, as in trec_eval.
* nDCG@10: gain = the qrels grade (grades <= 0 and unjudged documents give nothing); the document
  at rank r (1-based) is discounted by log2(r + 1); the ideal DCG takes every judged document with
  grade >= 1, grades in descending order, cut at 10. A query whose ideal DCG is 0 scores 0.
* Recall@100: relevant documents (grade >= 1, trec_eval's default -l 1) among the first 100,
  divided by all relevant documents of the query (0 when it has none).
* MRR@10: 1/rank of the first relevant document (grade >= 1) within the first 10, else 0:
  trec_eval's recip_rank on the run cut to 10 documents per query after sorting (-M 10).
* Averages (-c): over every query in the qrels; a query of the qrels absent from the run counts
  as 0 on every measure; queries of the run absent from the qrels are ignored.
"""

import json
import math
import sys


class EvalError(Exception):
    pass


def read_qrels(path):
    """Returns {qid: {docid: grade}}. A document judged twice for a query is an error."""
    qrels = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 4:
                raise EvalError(f"{path}:{n}: expected 4 fields, got {len(parts)}")
            qid, _, docid, grade = parts
            try:
                g = int(grade)
            except ValueError:
                if n == 1:
                    continue  # a header line
                raise EvalError(f"{path}:{n}: grade {grade!r} is not an integer") from None
            docs = qrels.setdefault(qid, {})
            if docid in docs:
                raise EvalError(f"{path}:{n}: duplicate judgment of {docid} for query {qid}")
            docs[docid] = g
    return qrels


def read_run(path):
    """Returns {qid: [(docid, score), ...]} in file order."""
    run = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 6:
                raise EvalError(f"{path}:{n}: expected 6 fields, got {len(parts)}")
            qid, _, docid, _, score, _ = parts
            try:
                s = float(score)
            except ValueError:
                raise EvalError(f"{path}:{n}: score {score!r} is not a number") from None
            run.setdefault(qid, []).append((docid, s))
    return run


def trec_order(results):
    """Sorts [(docid, score)] as trec_eval does: score descending, then docid descending."""
    ranked = sorted(results, key=lambda r: (r[1], r[0]), reverse=True)
    for a, b in zip(ranked, ranked[1:]):
        if a[0] == b[0]:
            raise EvalError(f"duplicate document {a[0]} in one query's results")
    return ranked


def eval_query(results, judged):
    """nDCG@10, Recall@100 and MRR@10 of one query. results: [(docid, score)] in any order;
    judged: {docid: grade}."""
    ranked = [judged.get(d) for d, _ in trec_order(results)]  # grade, or None if unjudged

    dcg = 0.0
    for i, g in enumerate(ranked[:10]):
        if g is not None and g > 0:
            dcg += g / math.log2(i + 2)
    ideal = sorted((g for g in judged.values() if g >= 1), reverse=True)
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal[:10]))
    ndcg = dcg / idcg if idcg > 0 else 0.0

    num_rel = sum(1 for g in judged.values() if g >= 1)
    rel_ret = sum(1 for g in ranked[:100] if g is not None and g >= 1)
    recall = rel_ret / num_rel if num_rel else 0.0

    mrr = 0.0
    for i, g in enumerate(ranked[:10]):
        if g is not None and g >= 1:
            mrr = 1.0 / (i + 1)
            break
    return {"ndcg_cut_10": ndcg, "recall_100": recall, "recip_rank_10": mrr}


MEASURES = ("ndcg_cut_10", "recall_100", "recip_rank_10")


def evaluate(run, qrels):
    """Returns (per_query {qid: {measure: value}}, means {measure: value}, number of queries)."""
    per_query = {}
    for qid in qrels:
        per_query[qid] = eval_query(run.get(qid, []), qrels[qid])
    n = len(per_query)
    means = {m: (sum(v[m] for v in per_query.values()) / n if n else 0.0) for m in MEASURES}
    return per_query, means, n


def _close(a, b):
    return abs(a - b) < 1e-12


def selftest():
    """A small example computed by hand. Returns 0 when every check holds."""
    qrels = {
        "q1": {"d1": 2, "d2": 1, "d3": 0, "d4": 1},
        "q2": {"d9": 1},
        "q3": {"x": 1},  # absent from the run: counts 0
    }
    run = {
        # d3 (judged 0) first; dz (unjudged) and d1 tie at 4.0: docid descending puts "dz"
        # before "d1"; d4 is not retrieved.  Order: d3, dz, d1, d2 -> grades 0, -, 2, 1.
        "q1": [("d1", 4.0), ("d2", 1.0), ("d3", 5.0), ("dz", 4.0)],
        # d9 at rank 11 (ten documents score higher): outside nDCG@10 and MRR@10, inside R@100.
        "q2": [("d9", 1.0)] + [(f"n{i:02d}", 2.0 + i) for i in range(10)],
        "q4": [("d1", 1.0)],  # not in the qrels: ignored
    }
    checks = []
    q1 = eval_query(run["q1"], qrels["q1"])
    # DCG = 2/log2(3+1) + 1/log2(4+1); ideal = 2/log2(2) + 1/log2(3) + 1/log2(4)
    dcg = 2 / 2.0 + 1 / math.log2(5)
    idcg = 2 / 1.0 + 1 / math.log2(3) + 1 / 2.0
    checks.append(("q1 nDCG@10", q1["ndcg_cut_10"], dcg / idcg))
    checks.append(("q1 nDCG@10 value", round(q1["ndcg_cut_10"], 6), 0.456949))
    checks.append(("q1 Recall@100", q1["recall_100"], 2 / 3))
    checks.append(("q1 MRR@10", q1["recip_rank_10"], 1 / 3))
    q2 = eval_query(run["q2"], qrels["q2"])
    checks.append(("q2 nDCG@10", q2["ndcg_cut_10"], 0.0))
    checks.append(("q2 Recall@100", q2["recall_100"], 1.0))
    checks.append(("q2 MRR@10", q2["recip_rank_10"], 0.0))
    # the tie rule alone: equal scores, the larger docid (strcmp) first
    tie = eval_query([("a10", 1.0), ("a9", 1.0)], {"a10": 1})
    checks.append(("tie: a9 before a10, relevant a10 at rank 2", tie["recip_rank_10"], 0.5))
    _, means, n = evaluate(run, qrels)
    checks.append(("queries averaged", n, 3))
    checks.append(("mean nDCG@10", means["ndcg_cut_10"], (dcg / idcg) / 3))
    checks.append(("mean Recall@100", means["recall_100"], (2 / 3 + 1.0 + 0.0) / 3))
    checks.append(("mean MRR@10", means["recip_rank_10"], (1 / 3) / 3))
    failed = 0
    for name, got, want in checks:
        ok = _close(got, want)
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: got {got!r}, want {want!r}")
    try:
        trec_order([("d1", 1.0), ("d1", 2.0)])
        print("FAIL duplicate docid accepted")
        failed += 1
    except EvalError:
        print("ok   duplicate docid in a query is an error")
    print("selftest:", "passed" if not failed else f"{failed} failed")
    return 1 if failed else 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "--selftest":
        return selftest()
    args = [a for a in argv[1:]]
    per_q = "-q" in args
    as_json = "--json" in args
    row = None
    if "--row" in args:
        i = args.index("--row")
        if i + 1 >= len(args):
            print(__doc__, file=sys.stderr)
            return 2
        row = args[i + 1]
        del args[i:i + 2]
    files = [a for a in args if a not in ("-q", "--json")]
    if len(files) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        run = read_run(files[0])
        qrels = read_qrels(files[1])
        per_query, means, n = evaluate(run, qrels)
    except (EvalError, OSError) as e:
        print(f"releval: {e}", file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps({"queries": n, **means}))
    elif row is not None:
        cells = row.split("|")
        print("| " + " | ".join(cells) + " | " +
              " | ".join(f"{means[m]:.4f}" for m in MEASURES) + f" | {n} |")
    else:
        if per_q:
            for qid, vals in per_query.items():
                for m in MEASURES:
                    print(f"{m}\t{qid}\t{vals[m]:.4f}")
        print(f"num_q\tall\t{n}")
        for m in MEASURES:
            print(f"{m}\tall\t{means[m]:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
