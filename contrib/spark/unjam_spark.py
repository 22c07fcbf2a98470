#!/usr/bin/env python3
"""Run unjam over many WARC / WET files or a JSON Lines corpus with Spark.

The unjam binary does the work; Spark only spreads it: one task per file (mode `files`) or one
unjam process per partition of a JSON Lines corpus (mode `jsonl`).

  files  Input: WARC (.warc, .warc.gz) or WET (.wet, .warc.wet.gz) paths, as arguments and/or
         listed one per line in --list FILE. Each path becomes its own task
         (sc.parallelize(paths, numSlices=len(paths))), which runs
             unjam extract --warc PATH -f jsonl     for a WARC
             unjam clean --wet PATH                 for a WET
         and streams its stdout lines as records. A file whose unjam exits non-zero does not stop
         the others: its task yields an error record (path, exit code, the tail of unjam's stderr)
         after whatever records unjam wrote before failing; the driver prints every error on
         stderr, and the job exits 1 at the end if any file failed. With --fail-fast the task
         raises instead, so Spark's own retry/abort applies.
  jsonl  Input: JSON Lines files (anything sc.textFile reads). Each partition is piped through
         one `unjam clean --jsonl --field FIELD` process (rdd.pipe: stdin -> stdout, the order
         within a partition is kept; part-NNNNN files follow the input's order).

Paths are opened by the executors: local paths must exist on every executor (a shared file
system), http(s):// URLs are streamed by the task into unjam's stdin (e.g. Common Crawl's
https://data.commoncrawl.org/crawl-data/...). Other schemes (s3://, hdfs://) need a download
step first (aws s3 cp, hdfs dfs -get, or an https:// mirror); they are refused in files mode.

The binary: --unjam /path/to/unjam ships it with sc.addFile; under spark-submit you can ship it
with `--files /path/to/unjam` instead and leave --unjam out. Executors find it with
SparkFiles.get("unjam") and make it executable.

Output: --out DIR as JSON Lines part files (saveAsTextFile), or --parquet (spark.read.json on the
records, then write.parquet). --partitions N: default the number of files (files) or
sc.defaultParallelism*2 (jsonl).

Examples:
  python3 contrib/spark/unjam_spark.py files --unjam target/release/unjam --out out/ a.warc.gz b.warc.wet.gz
  spark-submit --master local[4] --files target/release/unjam contrib/spark/unjam_spark.py \\
      files --list warc.paths --out out/ --parquet
  python3 contrib/spark/unjam_spark.py jsonl --unjam target/release/unjam --out clean/ corpus.jsonl
"""
import argparse
import json
import os
import shlex
import stat
import subprocess
import sys
import tempfile
import threading
import time

ERROR_KEY = "__unjam_error__"
STDERR_TAIL = 4000


def kind_of(path, forced=None):
    if forced and forced != "auto":
        return forced
    base = path.rsplit("/", 1)[-1].lower()
    for suf in (".gz", ".bz2", ".zst"):
        if base.endswith(suf):
            base = base[: -len(suf)]
    if base.endswith(".wet") or ".wet." in base:
        return "wet"
    return "warc"


def unjam_args(kind, extra=()):
    if kind == "wet":
        return ["--no-config", "clean", "--wet", *extra]
    return ["--no-config", "extract", "--warc", "-f", "jsonl", *extra]


def local_binary(name="unjam"):
    """The shipped binary on this executor, executable."""
    from pyspark import SparkFiles

    path = SparkFiles.get(name)
    if not os.access(path, os.X_OK):
        try:
            os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        except OSError:
            pass
    return path


def run_one(path, kind, binary, extra, fail_fast, timeout=None):
    """Run unjam on one file, yielding ("R", line) for each output line and, if unjam fails,
    ("E", error dict) at the end."""
    remote = path.startswith(("http://", "https://"))
    if "://" in path and not remote and not path.startswith("file://"):
        err = dict(path=path, exit_code=None, stderr_tail=f"unsupported scheme: download {path} first (see --help)")
        if fail_fast:
            raise RuntimeError(f"unjam_spark: {err['stderr_tail']}")
        yield ("E", err)
        return
    local = path[len("file://"):] if path.startswith("file://") else path
    cmd = [binary, *unjam_args(kind, extra), "-" if remote else local]
    t0 = time.time()
    with tempfile.TemporaryFile() as errf:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if remote else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=errf)
        feeder = None
        if remote:
            def feed():
                import urllib.request
                try:
                    with urllib.request.urlopen(path, timeout=120) as r:
                        while True:
                            b = r.read(1 << 20)
                            if not b:
                                break
                            proc.stdin.write(b)
                except Exception as e:  # reported through stderr below
                    errf.write(f"unjam_spark: download failed: {e}\n".encode())
                    errf.flush()
                    feeder.failed = True
                finally:
                    try:
                        proc.stdin.close()
                    except OSError:
                        pass
            feeder = threading.Thread(target=feed, daemon=True)
            feeder.failed = False
            feeder.start()
        n = 0
        for raw in proc.stdout:
            n += 1
            yield ("R", raw.decode("utf-8", errors="replace").rstrip("\r\n"))
        rc = proc.wait()
        if feeder:
            feeder.join()
            if feeder.failed and rc == 0:
                rc = None  # the download failed, not unjam
        if rc != 0:
            errf.seek(0, os.SEEK_END)
            size = errf.tell()
            errf.seek(max(0, size - STDERR_TAIL))
            tail = errf.read().decode("utf-8", errors="replace")
            if fail_fast:
                raise RuntimeError(f"unjam exited {rc} on {path}:\n{tail}")
            yield ("E", dict(path=path, exit_code=rc, stderr_tail=tail, records=n,
                             seconds=round(time.time() - t0, 3), command=" ".join(map(shlex.quote, cmd))))


def make_spark(app, master=None, conf=()):
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    b = SparkSession.builder.appName(app)
    if master:
        b = b.master(master)
    elif not SparkConf().contains("spark.master"):
        b = b.master("local[*]")  # plain `python3 unjam_spark.py`: local mode
    b = b.config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
    for kv in conf:
        k, v = kv.split("=", 1)
        b = b.config(k, v)
    return b.getOrCreate()


def read_list(path):
    with open(path, encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip() and not l.lstrip().startswith("#")]


def remove_output(spark, out):
    sc = spark.sparkContext
    jvm = sc._jvm
    p = jvm.org.apache.hadoop.fs.Path(out)
    fs = p.getFileSystem(sc._jsc.hadoopConfiguration())
    if fs.exists(p):
        fs.delete(p, True)


def run(args, spark):
    """The job. Returns a summary dict (records, errors, seconds)."""
    from pyspark import StorageLevel

    sc = spark.sparkContext
    t0 = time.time()
    if args.unjam:
        sc.addFile(os.path.abspath(args.unjam))
    binary_name = os.path.basename(args.unjam) if args.unjam else "unjam"
    extra = shlex.split(args.unjam_args or "")
    if args.overwrite:
        remove_output(spark, args.out)
    errors = []
    if args.mode == "files":
        paths = list(args.inputs)
        if args.list:
            paths += read_list(args.list)
        if not paths:
            raise SystemExit("unjam_spark: no input files")
        kind_forced, fail_fast = args.kind, args.fail_fast
        n = args.partitions or len(paths)

        def task(it):
            binary = local_binary(binary_name)
            for p in it:
                yield from run_one(p, kind_of(p, kind_forced), binary, extra, fail_fast)

        rdd = sc.parallelize(paths, numSlices=n).mapPartitions(task)
        rdd = rdd.persist(StorageLevel.MEMORY_AND_DISK)  # errors and records come from one pass
        data = rdd.filter(lambda kv: kv[0] == "R").map(lambda kv: kv[1])
    else:
        n = args.partitions or sc.defaultParallelism * 2
        text = sc.textFile(",".join(args.inputs), minPartitions=n)
        if sc.master.startswith("local"):
            cmd_path = local_binary(binary_name)  # the driver's copy is the executors' copy
        else:
            cmd_path = "./" + binary_name  # YARN/K8s/standalone: shipped files sit in the task's cwd
        if args.unjam_path:
            cmd_path = args.unjam_path
        fields = " ".join(f"--field {shlex.quote(f)}" for f in args.field)
        command = f"{shlex.quote(cmd_path)} --no-config clean --jsonl {fields} {' '.join(map(shlex.quote, extra))}"

        sc_is_local = sc.master.startswith("local")

        def ensure_exec(it):  # runs before pipe() starts its process (not a generator)
            if not sc_is_local:
                local_binary(binary_name)
            return it

        data = text.mapPartitions(ensure_exec, preservesPartitioning=True).pipe(command, checkCode=True)
        if args.parquet:
            data = data.persist(StorageLevel.MEMORY_AND_DISK)  # read.json would run unjam twice
    if args.parquet:
        df = spark.read.json(data)
        df.write.mode("overwrite" if args.overwrite else "errorifexists").parquet(args.out)
        count = df.count()
    else:
        data.saveAsTextFile(args.out)
        count = None
    if args.mode == "files":
        seen = set()
        for _, e in rdd.filter(lambda kv: kv[0] == "E").collect():
            if e["path"] not in seen:  # a retried task may have yielded its error twice
                seen.add(e["path"])
                errors.append(e)
        if count is None and args.count:
            count = data.count()
        rdd.unpersist()
    for e in errors:
        why = f"unjam exited {e['exit_code']}" if e["exit_code"] is not None else "failed"
        print(f"unjam_spark: {e['path']}: {why}\n"
              + "".join("    " + l + "\n" for l in e["stderr_tail"].rstrip("\n").split("\n")), file=sys.stderr, end="")
    summary = dict(mode=args.mode, out=args.out, partitions=n, records=count, failed=len(errors),
                   errors=errors, seconds=round(time.time() - t0, 3))
    print(f"unjam_spark: {args.mode}: {n} partitions, "
          + (f"{count} records, " if count is not None else "")
          + f"{len(errors)} failed file(s), {summary['seconds']} s -> {args.out}", file=sys.stderr)
    return summary


def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["files", "jsonl"])
    ap.add_argument("inputs", nargs="*", help="WARC/WET paths (files) or JSON Lines paths (jsonl)")
    ap.add_argument("--list", metavar="FILE", help="files: a text file of paths, one per line")
    ap.add_argument("--out", required=True, metavar="DIR")
    ap.add_argument("--parquet", action="store_true", help="write Parquet instead of JSON Lines part files")
    ap.add_argument("--overwrite", action="store_true", help="remove --out first")
    ap.add_argument("--partitions", type=int, metavar="N")
    ap.add_argument("--unjam", metavar="PATH", help="the unjam binary to ship (else: shipped with spark-submit --files)")
    ap.add_argument("--unjam-path", metavar="PATH", help="jsonl: the binary's path on the executors, if known")
    ap.add_argument("--unjam-args", default="", metavar="'ARGS'", help="extra arguments for unjam (quoted)")
    ap.add_argument("--kind", choices=["auto", "warc", "wet"], default="auto", help="files: how to read them (default: by name)")
    ap.add_argument("--field", action="append", default=[], help="jsonl: field to clean (repeatable; default text)")
    ap.add_argument("--fail-fast", action="store_true", help="files: a failing file fails its task (Spark retries/aborts)")
    ap.add_argument("--count", action="store_true", help="also count the records written (one more pass over the cache)")
    ap.add_argument("--master", help="Spark master (default: spark-submit's, else local[*])")
    ap.add_argument("--conf", action="append", default=[], metavar="K=V", help="extra Spark setting")
    ap.add_argument("--summary", metavar="FILE.json", help="write the run summary (records, errors, seconds) here")
    return ap


def main(argv=None):
    args = parser().parse_intermixed_args(argv)
    if not args.field:
        args.field = ["text"]
    if args.mode == "jsonl" and not args.inputs:
        raise SystemExit("unjam_spark: jsonl needs input paths")
    spark = make_spark(f"unjam-{args.mode}", args.master, args.conf)
    spark.sparkContext.setLogLevel("WARN")
    try:
        summary = run(args, spark)
    finally:
        spark.stop()
    if args.summary:
        with open(args.summary, "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False, indent=1)
    return 1 if summary["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
