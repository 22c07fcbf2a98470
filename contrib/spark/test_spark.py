#!/usr/bin/env python3
"""End-to-end test of contrib/spark/unjam_spark.py in Spark local[2] against direct unjam runs.

    python3 contrib/spark/test_spark.py --unjam target/release/unjam

Prints `SKIPPED: <reason>` and exits 0 when java or pyspark is missing (the caller decides what
a skip means). Otherwise, over fixtures/warc/:
  files   every WARC (*.warc.gz) and WET (*.warc.wet.gz) fixture in one Spark job, one task per
          file: the records must equal, as a multiset of lines, those of one direct unjam run over
          the same WARC files plus one over the same WET files; every file whose own direct run
          exits non-zero (cc-truncated.warc.gz at least) must come back as an error record with
          that exit code and unjam's stderr, the job must exit 1, and the good files' records
          must all be there;
  jsonl   corpus.jsonl through rdd.pipe(unjam clean --jsonl --field text) in 3 partitions: equal
          as a multiset to the direct run, and in the same order once the part files are
          concatenated;
  parquet the files job on cc-small.warc.gz with --parquet: as many rows as direct records;
  fail-fast  cc-truncated.warc.gz with --fail-fast: the job fails.
Wall times: direct vs Spark (the difference is mostly JVM start and task scheduling).
Parts that need `extract --warc` / `clean --wet` are skipped (said on stdout) when the binary
does not have those options yet. Exit 1 if any check fails.
"""
import argparse
import collections
import difflib
import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
JOB = os.path.join(HERE, "unjam_spark.py")
FAILS = []


def check(cond, what, detail=""):
    if cond:
        print(f"ok    {what}")
    else:
        print(f"FAIL  {what}")
        if detail:
            print(detail.rstrip("\n"))
        FAILS.append(what)


def multiset_diff(a, b, name_a, name_b, limit=40):
    ca, cb = collections.Counter(a), collections.Counter(b)
    only_a = sorted((ca - cb).elements())
    only_b = sorted((cb - ca).elements())
    if not only_a and not only_b:
        return ""
    out = [f"{len(only_a)} line(s) only in {name_a}, {len(only_b)} only in {name_b}"]
    diff = difflib.unified_diff(only_a[:limit], only_b[:limit], name_a, name_b, lineterm="", n=0)
    out += [l[:400] for l in diff]
    return "\n".join(out)


def run(cmd, **kw):
    t = time.time()
    p = subprocess.run(cmd, capture_output=True, **kw)
    return p, time.time() - t


def lines_of(b):
    return [l for l in b.decode("utf-8", errors="replace").split("\n") if l != ""]


def read_parts(d):
    out = []
    for p in sorted(glob.glob(os.path.join(d, "part-*"))):
        with open(p, "rb") as f:
            out += lines_of(f.read())
    return out


def spark_job(args, tmp, name):
    cmd = [sys.executable, JOB, *args, "--master", "local[2]", "--summary", os.path.join(tmp, name + ".json")]
    env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", PYSPARK_PYTHON=sys.executable)
    p, secs = run(cmd, env=env)
    summary = None
    try:
        with open(os.path.join(tmp, name + ".json"), encoding="utf-8") as f:
            summary = json.load(f)
    except OSError:
        pass
    return p, secs, summary


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--unjam", default=os.path.join(ROOT, "target/release/unjam"))
    ap.add_argument("--fixtures", default=os.path.join(ROOT, "fixtures/warc"))
    ap.add_argument("--keep", action="store_true", help="keep the temporary output directory")
    a = ap.parse_args()
    if not shutil.which("java"):
        print("SKIPPED: java not found")
        return 0
    if importlib.util.find_spec("pyspark") is None:
        print("SKIPPED: pyspark not importable")
        return 0
    unjam = os.path.abspath(a.unjam)
    if not os.access(unjam, os.X_OK):
        print(f"FAIL  no unjam binary at {unjam}")
        return 1
    has_warc = b"--warc" in subprocess.run([unjam, "extract", "--help"], capture_output=True).stdout
    has_wet = b"--wet" in subprocess.run([unjam, "clean", "--help"], capture_output=True).stdout
    if not (has_warc and has_wet):
        print(f"FAIL  {unjam} lacks extract --warc or clean --wet")
        return 1
    U = [unjam, "--no-config"]
    fx = a.fixtures
    warcs = sorted(p for p in glob.glob(os.path.join(fx, "*.warc.gz")) if not p.endswith(".wet.gz"))
    wets = sorted(glob.glob(os.path.join(fx, "*.warc.wet.gz")))
    tmp = tempfile.mkdtemp(prefix="unjam-spark-test-")
    times = []
    try:
        # ---------------------------------------------------------------- files (WARC + WET)
        inputs = (warcs if has_warc else []) + (wets if has_wet else [])
        if inputs:
            direct, t_direct = [], 0.0
            if has_warc:
                p, t = run(U + ["extract", "--warc", "-f", "jsonl", *warcs])
                direct += lines_of(p.stdout)
                t_direct += t
            if has_wet:
                p, t = run(U + ["clean", "--wet", *wets])
                direct += lines_of(p.stdout)
                t_direct += t
            single = {}  # path -> (rc, stderr, records) of its own direct run
            for path in inputs:
                sub = ["clean", "--wet"] if path in wets else ["extract", "--warc", "-f", "jsonl"]
                p, _ = run(U + sub + [path])
                single[path] = (p.returncode, p.stderr.decode("utf-8", "replace"), lines_of(p.stdout))
            bad = {k for k, v in single.items() if v[0] != 0}
            trunc = os.path.join(fx, "cc-truncated.warc.gz")
            if has_warc:
                check(trunc in bad, "direct: cc-truncated.warc.gz exits non-zero",
                      f"exit {single.get(trunc, (None,))[0]}")
                for good in ("cc-small.warc.gz", "cc-v11.warc.gz"):
                    g = os.path.join(fx, good)
                    if g in single:
                        check(single[g][0] == 0, f"direct: {good} exits 0",
                              f"exit {single[g][0]}\n{single[g][1][-2000:]}")
            out = os.path.join(tmp, "files")
            p, t_spark, summary = spark_job(["files", "--unjam", unjam, "--out", out, *inputs], tmp, "files")
            times.append(("files: direct (1 process per format)", t_direct, "Spark local[2], 1 task per file", t_spark))
            check(p.returncode == (1 if bad else 0), f"files job exit status {p.returncode} (expected {1 if bad else 0})",
                  p.stderr.decode("utf-8", "replace")[-3000:])
            got = read_parts(out)
            check(collections.Counter(got) == collections.Counter(direct),
                  f"files: Spark records == direct records as multisets ({len(got)} vs {len(direct)})",
                  multiset_diff(direct, got, "direct", "spark"))
            per_file = [l for path in inputs for l in single[path][2]]
            if collections.Counter(direct) != collections.Counter(per_file):
                print("note  the direct run over all files differs from per-file direct runs "
                      "(records depend on which files share a process):\n"
                      + multiset_diff(direct, per_file, "direct-all", "direct-per-file", 10))
            errs = {e["path"]: e for e in (summary or {}).get("errors", [])}
            check(set(errs) == bad, f"files: error records for exactly the failing files {sorted(map(os.path.basename, bad))}",
                  f"error records for: {sorted(map(os.path.basename, errs))}")
            for path in sorted(bad & set(errs)):
                e = errs[path]
                rc, stderr, _ = single[path]
                msg = [l.strip() for l in stderr.splitlines() if l.strip()]
                tail = e.get("stderr_tail", "")
                missing = [l for l in msg if l not in tail]
                check(e.get("exit_code") == rc and msg and not missing,
                      f"files: {os.path.basename(path)}: error record has exit {rc} and unjam's message",
                      f"record: {json.dumps(e, ensure_ascii=False)[:1500]}\ndirect stderr:\n{stderr[-1500:]}")
                check(os.path.basename(path) in p.stderr.decode("utf-8", "replace"),
                      f"files: driver reports {os.path.basename(path)} on stderr")
            for path in inputs:
                if path not in bad:
                    recs = collections.Counter(single[path][2])
                    check(not (recs - collections.Counter(got)),
                          f"files: every record of good file {os.path.basename(path)} is in the output ({sum(recs.values())})")
            # ------------------------------------------------------------ parquet
            small = os.path.join(fx, "cc-small.warc.gz")
            if has_warc and os.path.exists(small):
                pout = os.path.join(tmp, "parquet")
                p, t, summary = spark_job(["files", "--unjam", unjam, "--out", pout, "--parquet", small], tmp, "parquet")
                n_direct = len(single[small][2])
                check(p.returncode == 0 and summary and summary.get("records") == n_direct
                      and glob.glob(os.path.join(pout, "*.parquet")),
                      f"parquet: cc-small.warc.gz -> {summary and summary.get('records')} rows (direct {n_direct})",
                      p.stderr.decode("utf-8", "replace")[-2000:])
            # ------------------------------------------------------------ fail-fast
            if has_warc and trunc in bad:
                p, t, _ = spark_job(["files", "--unjam", unjam, "--out", os.path.join(tmp, "ff"), "--fail-fast", trunc], tmp, "ff")
                err = p.stderr.decode("utf-8", "replace")
                check(p.returncode != 0 and "unjam exited" in err, f"fail-fast: the job fails (exit {p.returncode})", err[-1500:])
        # ---------------------------------------------------------------- jsonl
        corpus = os.path.join(fx, "corpus.jsonl")
        with open(corpus, "rb") as f:
            p, t_direct = run(U + ["clean", "--jsonl", "--field", "text"], stdin=f)
        check(p.returncode == 0, "direct: clean --jsonl corpus.jsonl exits 0", p.stderr.decode()[-1000:])
        direct = lines_of(p.stdout)
        out = os.path.join(tmp, "jsonl")
        p, t_spark, summary = spark_job(["jsonl", "--unjam", unjam, "--out", out, "--partitions", "3", corpus], tmp, "jsonl")
        times.append(("jsonl: direct clean --jsonl", t_direct, "Spark local[2], rdd.pipe, 3 partitions", t_spark))
        check(p.returncode == 0, f"jsonl job exit status {p.returncode}", p.stderr.decode("utf-8", "replace")[-3000:])
        got = read_parts(out)
        check(len(glob.glob(os.path.join(out, "part-*"))) >= 2, "jsonl: more than one partition")
        check(collections.Counter(got) == collections.Counter(direct),
              f"jsonl: Spark lines == direct lines as multisets ({len(got)} vs {len(direct)})",
              multiset_diff(direct, got, "direct", "spark"))
        check(got == direct, "jsonl: part files in order == direct output (order kept)",
              "\n".join(difflib.unified_diff(direct, got, "direct", "spark", lineterm="", n=1)))
        with open(corpus, encoding="utf-8") as f:
            n_in = sum(1 for l in f if l.strip())
        check(len(got) == n_in, f"jsonl: one output line per input line ({len(got)} / {n_in})")
    finally:
        if a.keep:
            print(f"outputs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(f"{'run':<40} {'seconds':>8}   {'run':<40} {'seconds':>8} {'overhead':>9}")
    for d_name, d_t, s_name, s_t in times:
        print(f"{d_name:<40} {d_t:8.2f}   {s_name:<40} {s_t:8.2f} {s_t - d_t:8.2f}s")
    if FAILS:
        print(f"\n{len(FAILS)} check(s) failed")
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
