#!/usr/bin/env python3
"""gen_queries.py: a fixed, reproducible set of benchmark queries drawn from passages.

    python3 bench/gen_queries.py [--seed S] [-n N] [--prefix P] PASSAGES.jsonl > QUERIES.tsv

Reads the JSON Lines of `ibid-index --print-passages` and writes N lines `qid<TAB>query`
(qid = PREFIX + number).  Each query comes from one passage picked at random (paragraphs of at
least 8 words), so query words occur in the corpus with their natural frequencies:

* 1 to 4 words (weights 25/35/25/15 %), ASCII letters only, lower-cased (so no engine reads
  AND/OR/NOT as an operator);
* 15 % of the queries of 2 to 4 words are a quoted phrase: consecutive words of the passage;
* the other queries take words from random places of the passage, skipping the 60 commonest
  English function words and words of fewer than 3 letters (people rarely type them; a phrase
  keeps them: "out of the").

Python's random.Random(seed) gives the same sequence on every platform and version >= 3.2, so
the same passages and seed give the same file.  The committed files in bench/queries/ were made by
bench/speed.sh's `queries` step (the command lines are in bench/queries/README.md).
"""
import argparse
import json
import random
import re
import sys

STOP = set("""the of and to a in that it is was he for as with his on be at by i had not are but from
or have an they which one you were her all she there would their we him been has when who will more
no if out so said what up its about into than them can only other new some could time these two may
then do first any my now such like our over man me even most made after also did many before must
through back years where much your way well down should because each just those people how too
""".split()[:60])
WORD = re.compile(r"[A-Za-z]+")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("passages")
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--prefix", default="q")
    a = ap.parse_args()

    texts = []
    with open(a.passages, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            p = json.loads(line)
            if p.get("kind", "paragraph") != "paragraph":
                continue
            words = [w.lower() for w in WORD.findall(p.get("text", ""))]
            if len(words) >= 8:
                texts.append(words)
    if not texts:
        sys.exit("gen_queries: no paragraph of 8 words or more in " + a.passages)

    rng = random.Random(a.seed)
    out = []
    while len(out) < a.n:
        words = rng.choice(texts)
        nw = rng.choices([1, 2, 3, 4], weights=[25, 35, 25, 15])[0]
        if nw >= 2 and rng.random() < 0.15:
            start = rng.randrange(0, len(words) - nw + 1)
            q = '"' + " ".join(words[start:start + nw]) + '"'
        else:
            cand = [w for w in words if len(w) >= 3 and w not in STOP]
            if len(cand) < nw:
                continue
            picks = rng.sample(range(len(cand)), nw)
            q = " ".join(cand[i] for i in sorted(picks))
        out.append(q)
    for i, q in enumerate(out, 1):
        sys.stdout.write("%s%d\t%s\n" % (a.prefix, i, q))


if __name__ == "__main__":
    main()
