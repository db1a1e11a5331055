#!/usr/bin/env python3
"""speed_report.py: the figures of bench/speed.sh as one markdown table and one JSON file.

    python3 bench/speed_report.py ixstat INDEX     sizes of an ibid index (JSON on stdout)
    python3 bench/speed_report.py report OUTDIR    the table on stdout, OUTDIR/speed.json

ixstat reads the section table of docs/index-format.md: total bytes, bytes without the passage
store (STOREIDX and STORE), POSTINGS bytes, and META's postings and occurrences.

report reads what speed.sh left in OUTDIR: run.json, ENGINE.index.R.json / ENGINE.time.R.json
(indexing, one per repetition), ENGINE.queryK.json (latency), ibid.size.json,
process.hyperfine.json and scifact.md.  Each figure over repetitions is the median.  Index time
of ibid is the whole ibid-index process (reading and parsing the sources, inverting, compressing,
writing); of a peer, its driver's own timing of adding the passages and committing (reading the
JSON Lines excluded).  Peak RSS is the whole process's (a peer holds every passage in memory
before indexing: about the text's size).  MB/s = source bytes (the files under the data folder)
/ seconds, 10^6 bytes a MB.  Ratios are ibid / peer.
"""
import glob
import json
import os
import re
import statistics
import struct
import sys

STOREIDX, STORE, POSTINGS, META = 15, 16, 14, 1


def ixstat(path):
    with open(path, "rb") as f:
        head = f.read(32)
        if head[:8] != b"IBIDIDX\0":
            sys.exit("speed_report: %s is not an ibid index" % path)
        size, nsec = struct.unpack_from("<QI", head, 16)
        table = f.read(24 * nsec)
        sec = {}
        for i in range(nsec):
            sid, _crc, off, ln = struct.unpack_from("<IIQQ", table, 24 * i)
            sec[sid] = (off, ln)
        f.seek(sec[META][0])
        meta = f.read(128)
    postings, occurrences, text_bytes = struct.unpack_from("<QQQ", meta, 32)
    no_text = size - sec[STORE][1] - sec[STOREIDX][1]
    return {
        "index_bytes": size,
        "index_bytes_no_text": no_text,
        "store_bytes": sec[STORE][1] + sec[STOREIDX][1],
        "postings_section_bytes": sec[POSTINGS][1],
        "postings": postings,
        "occurrences": occurrences,
        "passage_text_bytes": text_bytes,
    }


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def med(values):
    v = [x for x in values if x is not None and x >= 0]
    return statistics.median(v) if v else None


def engine_index(out, e):
    """Median index figures of engine e (ibid, ibid2, fts5, xapian) over repetitions."""
    times = [load(p) for p in sorted(glob.glob(os.path.join(out, "%s.time.*.json" % e)))]
    stats = [load(p) for p in sorted(glob.glob(os.path.join(out, "%s.index.*.json" % e)))]
    times = [t for t in times if t]
    stats = [s for s in stats if s]
    if e.startswith("ibid"):
        times = stats  # ibid's index.R.json are /usr/bin/time figures of the whole process
        stats = []
    if not times and not stats:
        return None
    r = {"runs": max(len(times), len(stats))}
    if stats:  # peers: the driver's own timing
        r["index_wall_s"] = med([s["index_wall_s"] for s in stats])
        r["index_cpu_s"] = med([s["index_cpu_s"] for s in stats])
        r["index_bytes"] = med([s["index_bytes"] for s in stats])
        r["index_bytes_no_text"] = med([s.get("index_bytes_no_text") for s in stats])
        occ = med([s.get("postings") for s in stats])
        r["occurrences"] = occ
        r["process_wall_s"] = med([t["index_wall_s"] for t in times])
    else:
        r["index_wall_s"] = med([t["index_wall_s"] for t in times])
        r["index_cpu_s"] = med([t["index_cpu_s"] for t in times])
    r["peak_rss_kb"] = med([t["peak_rss_kb"] for t in times])
    return r


def fmt(x, nd=2):
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    if abs(x) >= 100:
        return "%.0f" % x
    if abs(x) >= 10:
        return "%.1f" % x
    return ("%." + str(nd) + "f") % x


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def report(out):
    run = load(os.path.join(out, "run.json")) or {}
    src = run.get("source_bytes") or 0
    engines = ["ibid", "ibid2", "fts5", "xapian"]
    idx = {e: engine_index(out, e) for e in engines}
    size = load(os.path.join(out, "ibid.size.json"))
    for e in ("ibid", "ibid2"):
        if idx[e] and size:
            idx[e].update({k: size[k] for k in ("index_bytes", "index_bytes_no_text", "occurrences")})
    for e, r in idx.items():
        if not r:
            continue
        r["mb_s_wall"] = src / r["index_wall_s"] / 1e6 if r.get("index_wall_s") else None
        r["mb_s_cpu"] = src / r["index_cpu_s"] / 1e6 if r.get("index_cpu_s") else None
        r["size_of_source"] = r["index_bytes"] / src if r.get("index_bytes") and src else None
        r["no_text_of_source"] = (r["index_bytes_no_text"] / src
                                  if r.get("index_bytes_no_text") and src else None)
        r["bits_per_occurrence"] = (r["index_bytes_no_text"] * 8 / r["occurrences"]
                                    if r.get("index_bytes_no_text") and r.get("occurrences") else None)

    lat = {}
    for e in ("ibid", "ibid-run", "fts5", "xapian"):
        for k in (10, 1000):
            s = load(os.path.join(out, "%s.query%d.json" % (e, k)))
            if s:
                lat.setdefault(e, {})[k] = s["latency_ms"]

    proc = None
    h = load(os.path.join(out, "process.hyperfine.json"))
    if h and h.get("results"):
        res = h["results"][0]
        proc = {"mean_ms": res["mean"] * 1000, "median_ms": res["median"] * 1000,
                "cpu_ms": (res.get("user", 0) + res.get("system", 0)) * 1000,
                "command": res.get("command")}
        if len(h["results"]) > 1:
            ref = h["results"][1]
            proc["true_mean_ms"] = ref["mean"] * 1000
            proc["true_cpu_ms"] = (ref.get("user", 0) + ref.get("system", 0)) * 1000

    ndcg = {}
    try:
        with open(os.path.join(out, "scifact.md")) as f:
            for line in f:
                m = re.match(r"\|\s*(\w+)\s*\|\s*test\s*\|\s*([0-9.]+)\s*\|", line)
                if m:
                    ndcg[m.group(1)] = float(m.group(2))
    except OSError:
        pass

    data = {"run": run, "index": idx, "ibid_index_sizes": size, "latency_ms": lat,
            "ibid_search_process": proc, "scifact_test_ndcg10": ndcg}
    with open(os.path.join(out, "speed.json"), "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)

    # --- the table: one row a figure, one column an engine, then the ratios -----------------
    rows = []

    def row(name, vals, better="", target="", nd=2):
        """vals: engine -> number.  Ratios ibid / fts5 and ibid / xapian."""
        i = vals.get("ibid")
        rows.append([name] + [fmt(vals.get(e), nd) for e in ("ibid", "ibid2", "fts5", "xapian")] +
                    [fmt(ratio(i, vals.get("fts5"))), fmt(ratio(i, vals.get("xapian"))), target])

    def g(e, key, scale=1.0):
        r = idx.get(e)
        return r[key] * scale if r and r.get(key) is not None else None

    def ev(key, scale=1.0):
        return {e: g(e, key, scale) for e in engines}

    row("index wall s", ev("index_wall_s"))
    row("index CPU s", ev("index_cpu_s"))
    row("index MB/s (wall)", ev("mb_s_wall"), target=">= 3x FTS5, >= 20x Xapian")
    row("index MB/s (CPU)", ev("mb_s_cpu"))
    row("index peak RSS MB", ev("peak_rss_kb", 1 / 1024), target="<= 1024")
    row("index MB", ev("index_bytes", 1e-6))
    row("index / source", ev("size_of_source"), target="<= 0.70")
    row("index MB without stored text", ev("index_bytes_no_text", 1e-6))
    row("bits per occurrence (no text)", ev("bits_per_occurrence"), nd=1)
    targets = {("p50", 10): "<= 0.3", ("p99", 10): "<= 5", ("mean", 10): "<= FTS5/5, < Xapian"}
    for k in (10, 1000):
        for p in ("p50", "p95", "p99", "mean"):
            v = {"ibid": lat.get("ibid", {}).get(k, {}).get(p),
                 "ibid2": None,
                 "fts5": lat.get("fts5", {}).get(k, {}).get(p),
                 "xapian": lat.get("xapian", {}).get(k, {}).get(p)}
            row("top-%d %s ms" % (k, p), v, target=targets.get((p, k), ""), nd=3)
        rv = lat.get("ibid-run", {}).get(k)
        if rv:
            row("top-%d p50 / p99 ms, ibid incl. fetch + TREC output" % k,
                {"ibid": None}, nd=3)
            rows[-1][1] = "%s / %s" % (fmt(rv["p50"], 3), fmt(rv["p99"], 3))
    if proc:
        row("one ibid-search process, corpus/ (mean wall ms)", {"ibid": proc["mean_ms"]}, target="<= 5")
        row("the same, user + system CPU ms", {"ibid": proc["cpu_ms"]})
        if "true_mean_ms" in proc:
            row("/bin/true for comparison: wall / CPU ms", {"ibid": None})
            rows[-1][1] = "%s / %s" % (fmt(proc["true_mean_ms"]), fmt(proc["true_cpu_ms"]))
    if ndcg:
        row("SciFact test nDCG@10", {e: ndcg.get(e) for e in ("ibid", "fts5", "xapian")}, nd=4)

    print("Data: %s (%.1f MB of source, %s passages); queries: %s; repetitions: %s (medians)."
          % (run.get("data"), src / 1e6, run.get("passages"), os.path.basename(run.get("queries", "")),
             run.get("repeat")))
    print("ibid2 = ibid-index --threads 2 (same index).  Ratios = ibid (1 thread) / peer.")
    print()
    print("| figure | ibid | ibid 2 threads | FTS5 | Xapian | ibid/FTS5 | ibid/Xapian | target |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    print("JSON: %s" % os.path.join(out, "speed.json"))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "ixstat":
        print(json.dumps(ixstat(sys.argv[2])))
    elif len(sys.argv) == 3 and sys.argv[1] == "report":
        report(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
