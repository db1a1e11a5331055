#!/usr/bin/env bash
# robust_corrupt.sh - damaged indexes: ibid-search either reports corruption (exit 2, one line
# on stderr) or prints valid results (exit 0/1); it never crashes and never hangs; and
# `ibid-index --check` rejects (exit 2) every file whose checksummed bytes changed.
#
# The index is built from corpus/000 lines 1-60 (three paragraphs that cite footnotes, the two
# footnotes, a page break): about 7.7 KB, 16 sections.  Cases:
#   flip     one bit (bit i % 8 of byte i) of every byte of the header and section table, and
#            of every IBID_ROBUST_STEP-th byte after it (default 4).  A byte covered by a
#            checksum (the header up to its crc, and every section) must make --check exit 2;
#            a byte in a section that open checksums (docs/index-format.md) must make the
#            search exit 2; a byte in padding must change nothing.
#   repair   flips of every IBID_ROBUST_RSTEP-th byte (default 6) of every section with every
#            checksum recomputed, as a forger would: the structural checks behind the
#            checksums must hold (search and --check exit 0/1/2, never a crash).
#   truncate at every section boundary (and one byte either side), every length up to 64, and
#            200 lengths spread over the file; and one extra byte appended: both programs exit 2.
#   other    an empty file, the magic alone, a folder, a missing path: exit 2, one line.
# The ASan build samples less (see below): every 8th header byte, every 60th byte after it,
# every 90th with repaired checksums, truncations at the boundaries and 20 other lengths.
# Each run has 5 s of wall time (a hang fails) and a 1 GiB address-space limit.
# Runtime: about 7,500 runs (~75 s of CPU) in a Release build, ~700 (~60 s) in the ASan build.
source "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 0; }

mkdir -p "$TMP/src"
sed -n 1,60p corpus/000_b36bc166d576b6e2.txt >"$TMP/src/000_part.txt"
"$IDX" -q -o "$TMP/good.ibid" "$TMP/src" || { fail "cannot build the test index"; finish; exit 1; }

# samples: every hstep-th header byte, every step-th byte after it, every rstep-th with
# repaired checksums, every truncation length or only the section boundaries (tsparse=1)
hstep=1 step="${IBID_ROBUST_STEP:-4}" rstep="${IBID_ROBUST_RSTEP:-6}" tsparse=0 asan=0
if grep -q '^IBID_SANITIZE:BOOL=ON' "$BIN/CMakeCache.txt" 2>/dev/null; then
  # an ASan process costs about 90 ms of CPU: about 700 runs instead of 7,500
  hstep=8 step="${IBID_ROBUST_STEP:-60}" rstep="${IBID_ROBUST_RSTEP:-90}" tsparse=1 asan=1
fi

python3 - "$IDX" "$SRCH" "$TMP" "$hstep" "$step" "$rstep" "$tsparse" "$asan" <<'PY'
import json, os, resource, struct, subprocess, sys, zlib

idx, srch, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
hstep, step, rstep, tsparse = (int(a) for a in sys.argv[4:8])
asan = sys.argv[8] == "1"
good = open(os.path.join(tmp, "good.ibid"), "rb").read()
bad = os.path.join(tmp, "bad.ibid")
queries = "".join(f"{i}\t{q}\n" for i, q in enumerate([
    "Latin America residents", '"Latin America"', "econom*", "Belarus NEAR/5 trade",
    "resource in:footnotes", "Caribbean -Belarus"], 1))
env = dict(os.environ)
env.setdefault("ASAN_OPTIONS", "abort_on_error=1:detect_leaks=1")
env.setdefault("UBSAN_OPTIONS", "abort_on_error=1:halt_on_error=1:print_stacktrace=1")
env["NO_COLOR"] = "1"

# limits for every child, set here once (a preexec_fn would make each spawn a slow fork);
# ASan reserves terabytes of address space, so the ASan build gets no RLIMIT_AS
if not asan:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

fails = []
runs = 0
def run(args, stdin=""):
    global runs
    runs += 1
    try:
        p = subprocess.run(args, input=stdin.encode(), capture_output=True, timeout=5, env=env)
    except subprocess.TimeoutExpired:
        return None, b"", b"timeout"
    return p.returncode, p.stdout, p.stderr

def sanitizer(err):
    return b"Sanitizer" in err or b"runtime error:" in err

def search(data, what, must_fail=False, same=None):
    """Runs the batch of queries on data; checks the outcome; returns the stdout."""
    with open(bad, "wb") as f:
        f.write(data)
    rc, out, err = run([srch, "-i", bad, "--json", "--batch", "-n", "5"], queries)
    if rc is None:
        fails.append(f"{what}: ibid-search hung (5 s)")
    elif rc < 0 or rc >= 128 or sanitizer(err):
        fails.append(f"{what}: ibid-search crashed (rc {rc}): {err[-300:]!r}")
    elif rc == 2:
        lines = err.decode(errors="replace").splitlines()
        if len(lines) != 1 or not lines[0].startswith("ibid-search: "):
            fails.append(f"{what}: exit 2 without exactly one message line: {lines[:3]}")
    elif rc in (0, 1):
        if must_fail:
            fails.append(f"{what}: damage in a checksummed section not reported at open (rc {rc})")
        for line in out.splitlines():
            try:
                hit = json.loads(line)
                assert isinstance(hit["text"], str) and isinstance(hit["file"], str)
                assert isinstance(hit["line"], int) and hit["kind"] in ("paragraph", "footnote", "bibliography")
            except Exception as e:
                fails.append(f"{what}: bad result line {line[:200]!r}: {e!r}")
                break
        if same is not None and out != same:
            fails.append(f"{what}: results changed by a byte no checksum covers")
    else:
        fails.append(f"{what}: unexpected exit status {rc}")
    return out

def check(data, what, want):
    """--check: want 2 (must reject), or None (0 or 2, never a crash)."""
    if data is not None:
        with open(bad, "wb") as f:
            f.write(data)
    rc, out, err = run([idx, "--check", bad])
    if rc is None:
        fails.append(f"{what}: --check hung (5 s)")
    elif rc < 0 or rc >= 128 or sanitizer(err):
        fails.append(f"{what}: --check crashed (rc {rc}): {err[-300:]!r}")
    elif want == 2 and rc != 2:
        fails.append(f"{what}: --check exit {rc}, want 2")
    elif rc not in (0, 2):
        fails.append(f"{what}: --check exit {rc}")
    elif rc == 2 and len(err.splitlines()) != 1:
        fails.append(f"{what}: --check exit 2 without exactly one line on stderr")

# ---- the layout: header, section table, sections ----
nsec = struct.unpack_from("<I", good, 24)[0]
hlen = 32 + 24 * nsec + 8
sections = []
for i in range(nsec):
    sid, crc, off, ln = struct.unpack_from("<IIQQ", good, 32 + 24 * i)
    sections.append((sid, off, ln))
owner = [None] * len(good)          # section id of each byte, "H" for the header, None for padding
for i in range(hlen - 4):
    owner[i] = "H"                  # the header crc covers [0, hlen - 8); the crc itself counts too
for sid, off, ln in sections:
    for i in range(off, off + ln):
        owner[i] = sid
# the sections ibid_index_open checksums (docs/index-format.md, "what is checked where"):
# META FILES WORKS CHAPTERS WRUNS CRUNS TERMIDX FORMIDX STOREIDX; the others (dictionaries,
# FORMLIST, LENS, PMETA, POSTINGS, STORE) only --check verifies
AT_OPEN = (1, 2, 3, 4, 6, 7, 9, 12, 15)

baseline = search(good, "intact index")
check(good, "intact index", None)
if not baseline:
    fails.append("intact index: no results for the test queries")

def repair(b):
    b = bytearray(b)
    for i in range(nsec):
        sid, crc, off, ln = struct.unpack_from("<IIQQ", b, 32 + 24 * i)
        struct.pack_into("<I", b, 32 + 24 * i + 4, zlib.crc32(bytes(b[off:off + ln])))
    struct.pack_into("<I", b, hlen - 8, zlib.crc32(bytes(b[:hlen - 8])))
    return bytes(b)

# ---- flips ----
nflip = 0
for i in range(len(good)):
    if i % (hstep if i < hlen else step):
        continue
    b = bytearray(good)
    b[i] ^= 1 << (i % 8)
    o = owner[i]
    what = f"flip byte {i} ({'header' if o == 'H' else 'padding' if o is None else 'section %d' % o})"
    search(bytes(b), what, must_fail=(o == "H" or o in AT_OPEN),
           same=baseline if o is None else None)
    check(bytes(b), what, 2 if o is not None else None)
    nflip += 1

# ---- flips behind repaired checksums ----
nrep = 0
for sid, off, ln in sections:
    for i in range(off, off + ln, rstep):
        b = bytearray(good)
        b[i] ^= 1 << (i % 8)
        data = repair(b)
        what = f"flip byte {i} (section {sid}) with checksums repaired"
        search(data, what)
        check(data, what, None)
        nrep += 1

# ---- truncations and extension ----
lengths = set(range(0, 65, 8 if tsparse else 1))
for sid, off, ln in sections:
    for x in (off, off + ln):
        lengths.update((x - 1, x, x + 1))
lengths.update((hlen - 1, hlen, hlen + 1))
spread = 20 if tsparse else 200
lengths.update(len(good) * k // spread for k in range(spread))
lengths = sorted(n for n in lengths if 0 <= n < len(good))
for n in lengths:
    what = f"truncated to {n} bytes"
    search(good[:n], what, must_fail=True)
    check(good[:n], what, 2)
search(good + b"\0", "one byte appended", must_fail=True)
check(good + b"\0", "one byte appended", 2)

# ---- not an index at all ----
search(b"IBIDIDX\0", "the magic alone", must_fail=True)
os.makedirs(os.path.join(tmp, "dir.ibid"), exist_ok=True)
for path, what in ((os.path.join(tmp, "dir.ibid"), "a folder"), (os.path.join(tmp, "none.ibid"), "a missing path")):
    rc, out, err = run([srch, "-i", path, "x"])
    if rc != 2 or len(err.splitlines()) != 1:
        fails.append(f"{what} as INDEX: exit {rc}, stderr {err[:200]!r}")
    rc, out, err = run([idx, "--check", path])
    if rc != 2 or len(err.splitlines()) != 1:
        fails.append(f"{what} for --check: exit {rc}, stderr {err[:200]!r}")

for f in fails[:40]:
    print("FAIL:", f, file=sys.stderr)
if len(fails) > 40:
    print(f"FAIL: ... and {len(fails) - 40} more", file=sys.stderr)
print(f"robust_corrupt: {len(good)} byte index, {nflip} flips (header step {hstep}, then step {step}), {nrep} flips with "
      f"repaired checksums (step {rstep}), {len(lengths) + 1} truncations/extensions, "
      f"{runs} runs, {len(fails)} failures")
sys.exit(1 if fails else 0)
PY
rc=$?
if [ $rc -eq 0 ]; then ok; else fail "damaged-index cases (see above)"; fi
finish
