#!/usr/bin/env python3
"""judged_eval.py: nDCG@10, Recall@100 and MRR@10 of a run on the bundled corpus, from judged
line ranges instead of judged documents.

Usage:
    judged_eval.py --passages P.jsonl --qrels corpus-qrels.tsv RUN
                   [--splits corpus-splits.tsv --split dev|heldout|all]
                   [--row 'engine|split'] [--write-run FILE] [--write-qrels FILE] [--json]
                   [--any-kind]
    judged_eval.py --selftest      check the rules below on a small example computed by hand

Inputs:
* P.jsonl: the passages the engines indexed (`ibid-index --print-passages corpus/`), used to
  find each returned passage's line range: a run's DOCID is `file:line` (the passage's first
  line), and the passage covers [line, end_line] of that file.
* corpus-qrels.tsv: `qid<TAB>file<TAB>first_line<TAB>last_line<TAB>grade<TAB>reason`.
* RUN: TREC run lines `qid Q0 file:line rank score tag`.
* corpus-splits.tsv: `qid<TAB>split<TAB>kind`; --split keeps the queries of one split.

How a run is judged:
* Each judged range of a query is one relevant item (id `qid#n`, n = its line number in the
  qrels), with its grade; these make the qrels for recall and for the ideal DCG.
* The run is put in trec_eval's order (score descending, docid descending: releval.py).
  Going down that order, a returned passage whose [line, end_line] overlaps judged ranges of its
  query in the same file stands for the overlapping range with the highest grade (the first such
  range in the qrels on a tie) that no passage above it already stands for; it takes that range's
  grade. A passage whose ranges are all taken, or that overlaps none, is not relevant.
  So each judged range counts at most once, as it does in the ideal DCG.
* Kinds match (bench/judged/README.md, "Match the kinds as well"): a returned paragraph stands
  only for judged paragraphs, a returned footnote or bibliography entry only for judged
  footnotes or bibliography entries. A paragraph that runs over a page break encloses the
  footnote block printed inside it, and must not be credited with those footnotes. A judged
  range's kind is read from its reason: `Footnote...` or `Bibliography entry...` make a note,
  anything else a paragraph; a passage's kind is its `kind` field. --any-kind matches by lines
  alone.
* The measures are then releval.py's (trec_eval's) on the rewritten run, whose scores are
  replaced by strictly decreasing ones so that the order above is kept; queries of the split's
  qrels absent from the run count 0 (trec_eval -c).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import releval  # noqa: E402


def kind_class(kind):
    """Paragraphs form one class, footnotes and bibliography entries (notes) the other."""
    return "note" if kind in ("footnote", "bibliography") else "paragraph"


def reason_class(reason):
    """The class of a judged range, from the first words of its reason (bench/judged/README.md):
    `Footnote...` and `Bibliography entry...` are notes, anything else a body paragraph."""
    r = reason.lstrip()
    return "note" if r.startswith("Footnote") or r.startswith("Bibliography entry") else "paragraph"


def read_passage_ranges(path):
    """Returns {"file:line": (end_line, class)} (the largest end_line when several passages
    start on the same line of the same file; the class of the first)."""
    ranges = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            o = json.loads(line)
            try:
                key = f"{o['file']}:{o['line']}"
                end = int(o["end_line"])
            except (KeyError, TypeError, ValueError):
                raise releval.EvalError(f"{path}:{n}: passage without file, line, end_line")
            if o.get("id") is not None:
                key = str(o["id"])
            old = ranges.get(key)
            cls = kind_class(o.get("kind"))
            ranges[key] = (max(end, old[0]), old[1]) if old else (end, cls)
    return ranges


def read_judged(path):
    """Returns {qid: [(range_id, file, first, last, grade, class), ...]} in file order."""
    judged = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 5:
                raise releval.EvalError(f"{path}:{n}: expected qid, file, first, last, grade, reason")
            qid, file, first, last, grade = parts[:5]
            reason = parts[5] if len(parts) > 5 else ""
            try:
                first, last, grade = int(first), int(last), int(grade)
            except ValueError:
                if n == 1:
                    continue  # a header line
                raise releval.EvalError(f"{path}:{n}: line numbers and grade must be integers") from None
            if last < first:
                raise releval.EvalError(f"{path}:{n}: last line {last} before first line {first}")
            judged.setdefault(qid, []).append(
                (f"{qid}#{n}", file, first, last, grade, reason_class(reason)))
    return judged


def read_splits(path):
    splits = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) >= 2 and not line.startswith("#"):
                splits[parts[0]] = parts[1]
    return splits


def split_docid(docid):
    file, sep, line = docid.rpartition(":")
    if not sep:
        return None, None
    try:
        return file, int(line)
    except ValueError:
        return None, None


def rewrite(run, judged, ranges, warn, any_kind=False):
    """Returns (run, qrels) for releval: {qid: [(docid, score)]}, {qid: {range_id: grade}}.
    Unless any_kind, a passage matches only judged ranges of its class (paragraph or note)."""
    qrels = {qid: {it[0]: it[4] for it in items} for qid, items in judged.items()}
    out = {}
    unknown = 0
    for qid, results in run.items():
        items = judged.get(qid, [])
        taken = set()
        rewritten = []
        ordered = releval.trec_order(results)
        for i, (docid, _) in enumerate(ordered):
            new_id = docid
            file, line = split_docid(docid)
            found = ranges.get(docid)
            if found is None or file is None:
                unknown += 1
            else:
                end, cls = found
                best = None
                for rid, jfile, first, last, grade, jcls in items:
                    if not any_kind and jcls != cls:
                        continue
                    if jfile == file and line <= last and end >= first and rid not in taken:
                        if best is None or grade > best[1]:
                            best = (rid, grade)
                if best is not None:
                    taken.add(best[0])
                    new_id = best[0]
            rewritten.append((new_id, float(len(ordered) - i)))
        out[qid] = rewritten
    if unknown:
        warn(f"judged_eval: {unknown} returned passages not found in the passages file")
    return out, qrels


def selftest():
    """A small example computed by hand. Returns 0 when every check holds."""
    import math
    P, N = "paragraph", "note"
    judged = {"q1": [("q1#1", "a.txt", 10, 20, 2, P), ("q1#2", "a.txt", 30, 30, 1, P),
                     ("q1#3", "b.txt", 5, 8, 1, P), ("q1#4", "a.txt", 40, 41, 2, N)]}
    ranges = {"a.txt:12": (14, P), "a.txt:15": (25, P), "a.txt:26": (31, P),
              "b.txt:1": (4, P), "b.txt:9": (12, P), "a.txt:1": (9, P),
              "a.txt:35": (50, P), "a.txt:40": (41, N)}
    # trec order: a.txt:15 (3.0), a.txt:12 (2.0), then the tie at 1.0 sorted by docid
    # descending: b.txt:9, b.txt:1, a.txt:26.
    # a.txt:35-50 is a paragraph enclosing the footnote block 40-41 (judged as a note, q1#4).
    run = {"q1": [("a.txt:12", 2.0), ("a.txt:15", 3.0), ("b.txt:1", 1.0), ("a.txt:26", 1.0),
                  ("b.txt:9", 1.0), ("a.txt:35", 0.5)]}
    new_run, qrels = rewrite(run, judged, ranges, lambda m: None)
    got = [d for d, _ in new_run["q1"]]
    # a.txt:15-25 overlaps q1#1 (grade 2) -> q1#1; a.txt:12-14 overlaps only q1#1, taken -> none;
    # b.txt:9-12 and b.txt:1-4 miss 5-8; a.txt:26-31 overlaps q1#2 (line 30); the paragraph
    # a.txt:35-50 overlaps only the note q1#4: not credited unless kinds are ignored.
    want = ["q1#1", "a.txt:12", "b.txt:9", "b.txt:1", "q1#2", "a.txt:35"]
    any_run, _ = rewrite(run, judged, ranges, lambda m: None, any_kind=True)
    failed = 0
    for name, ok in (
        ("rewritten order and ids", got == want),
        ("a paragraph does not stand for a judged footnote", got[5] == "a.txt:35"),
        ("... unless kinds are ignored", any_run["q1"][5][0] == "q1#4"),
        ("qrels: every range once",
         qrels == {"q1": {"q1#1": 2, "q1#2": 1, "q1#3": 1, "q1#4": 2}}),
        ("classes from reasons", (reason_class("Footnote 43: Byal GRAD"), reason_class(
            "Bibliography entry 12"), reason_class("Number of residents")) == (N, N, P)),
    ):
        print(("ok   " if ok else "FAIL ") + name)
        failed += not ok
    _, means, n = releval.evaluate(new_run, qrels)
    # ideal: grades 2, 2, 1, 1
    ndcg = (2 / 1.0 + 1 / math.log2(6)) / (2 + 2 / math.log2(3) + 1 / 2.0 + 1 / math.log2(5))
    for name, g, w in (("nDCG@10", means["ndcg_cut_10"], ndcg),
                       ("Recall@100", means["recall_100"], 2 / 4),
                       ("MRR@10", means["recip_rank_10"], 1.0), ("queries", n, 1)):
        ok = abs(g - w) < 1e-12
        print(("ok   " if ok else "FAIL ") + f"{name}: got {g!r}, want {w!r}")
        failed += not ok
    print("selftest:", "passed" if not failed else f"{failed} failed")
    return 1 if failed else 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "--selftest":
        return selftest()
    args = argv[1:]
    opts = {"--passages": None, "--qrels": None, "--splits": None, "--split": "all",
            "--row": None, "--write-run": None, "--write-qrels": None}
    as_json = False
    any_kind = False
    files = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in opts and i + 1 < len(args):
            opts[a] = args[i + 1]
            i += 2
        elif a == "--json":
            as_json = True
            i += 1
        elif a == "--any-kind":
            any_kind = True
            i += 1
        elif a.startswith("-"):
            print(__doc__, file=sys.stderr)
            return 2
        else:
            files.append(a)
            i += 1
    if len(files) != 1 or not opts["--passages"] or not opts["--qrels"]:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        ranges = read_passage_ranges(opts["--passages"])
        judged = read_judged(opts["--qrels"])
        run = releval.read_run(files[0])
        if opts["--split"] != "all":
            if not opts["--splits"]:
                raise releval.EvalError("--split needs --splits FILE")
            splits = read_splits(opts["--splits"])
            judged = {q: v for q, v in judged.items() if splits.get(q) == opts["--split"]}
            run = {q: v for q, v in run.items() if q in judged}
        new_run, qrels = rewrite(run, judged, ranges, lambda m: print(m, file=sys.stderr),
                                 any_kind)
        _, means, n = releval.evaluate(new_run, qrels)
    except (releval.EvalError, OSError, json.JSONDecodeError) as e:
        print(f"judged_eval: {e}", file=sys.stderr)
        return 2
    if opts["--write-run"]:
        with open(opts["--write-run"], "w", encoding="utf-8") as f:
            for qid, results in new_run.items():
                for rank, (docid, score) in enumerate(results, 1):
                    f.write(f"{qid} Q0 {docid} {rank} {score:g} judged\n")
    if opts["--write-qrels"]:
        with open(opts["--write-qrels"], "w", encoding="utf-8") as f:
            for qid, docs in qrels.items():
                for rid, g in docs.items():
                    f.write(f"{qid}\t0\t{rid}\t{g}\n")
    if as_json:
        print(json.dumps({"queries": n, **means}))
    elif opts["--row"] is not None:
        print("| " + " | ".join(opts["--row"].split("|")) + " | " +
              " | ".join(f"{means[m]:.4f}" for m in releval.MEASURES) + f" | {n} |")
    else:
        print(f"num_q\tall\t{n}")
        for m in releval.MEASURES:
            print(f"{m}\tall\t{means[m]:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
