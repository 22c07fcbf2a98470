#!/usr/bin/env python3
"""Acceptance checks of `unjam extract --warc` and `unjam clean --wet` against what
tools/warc/make_warc.py packed (its --expect / --manifest files), not against unjam's own output.

WARC (each fixtures/warc/expected-*.json next to its .warc.gz):
  - exit status 0 for an undamaged file, 1 for a damaged one, and every damage offset named on
    stderr;
  - every output line carries warc_record_id / warc_date / url of a packed Discuz response, and
    its url and warc_date are that record's WARC-Target-URI and WARC-Date;
  - every readable Discuz response with pids in its HTML gives posts (a pid may be reported
    under another capture of the same thread on the same site: counted, not failed), and every
    site (host) that served such a page has posts of its own (cc-two-hosts: one page on two
    sites);
  - no output line comes from a filler (non-Discuz) response.
WET (a --wet-from-texts file and its manifest; by default the fixture, and the shared noise
corpora's three variants when ../shared is there):
  - one JSON line per conversion record, in order, with url / warc_record_id / warc_date;
  - a jammed record's text == `unjam clean` of the same text as a file;
  - a clean or filler record's text == its source text byte for byte (counted separately: a
    difference there is unjam taking real text);
  - --only-jammed keeps a subset; --format wet gives a WET that warcio reads, digests checked,
    record ids kept, and the same texts as the JSON Lines output.
Exit 1 if a check fails.

Usage: bench/warc_acceptance.py [--unjam target/release/unjam] [--shared ../shared]
"""
import argparse
import collections
import glob
import gzip
import io
import json
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAILS = []


def check(cond, what, detail=""):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        if detail:
            print("      " + detail.rstrip("\n").replace("\n", "\n      "))
        FAILS.append(what)
    return cond


def warc_checks(unjam, expect_path):
    e = json.load(open(expect_path, encoding="utf-8"))
    warc = os.path.join(os.path.dirname(expect_path), e["warc"])
    name = os.path.basename(warc)
    p = subprocess.run([unjam, "--no-config", "extract", "--warc", warc, "-f", "jsonl"], capture_output=True)
    err = p.stderr.decode("utf-8", "replace")
    damaged = bool(e["damage"])
    check(p.returncode == (1 if damaged else 0), f"{name}: exit {p.returncode} (expected {1 if damaged else 0})", err[-800:])
    for d in e["damage"]:
        off = d["offset"]
        check(str(off) in err, f"{name}: damage {d['kind']} at byte {off} reported", err[-800:])
    by_id = {r["warc_record_id"]: r for r in e["responses"]}
    discuz = {d["warc_record_id"]: d for d in e["discuz"]}
    lines = [json.loads(l) for l in p.stdout.decode("utf-8").splitlines() if l.strip()]
    bad_id, bad_url, bad_date, from_filler = [], [], [], []
    pids_seen = collections.defaultdict(set)
    for rec in lines:
        rid = rec.get("warc_record_id")
        r = by_id.get(rid)
        if r is None:
            bad_id.append(rid)
            continue
        if not r["discuz"]:
            from_filler.append(r["url"])
        if rec.get("url") != r["url"]:
            bad_url.append((rec.get("url"), r["url"], rec.get("pid")))
        if rec.get("warc_date") != r["warc_date"]:
            bad_date.append((rec.get("warc_date"), r["warc_date"]))
        if rec.get("pid") is not None:
            pids_seen[rid].add(rec["pid"])
    check(not bad_id, f"{name}: every line's warc_record_id is a packed response ({len(lines)} lines)", str(bad_id[:5]))
    check(not from_filler, f"{name}: no posts from filler pages", str(from_filler[:5]))
    check(not bad_url, f"{name}: url == the record's WARC-Target-URI", "\n".join(f"got {g}  record {w}  (pid {p})" for g, w, p in bad_url[:6]))
    check(not bad_date, f"{name}: warc_date == the record's WARC-Date", str(bad_date[:5]))
    # every site that served a thread page with posts must have posts under its own host (forums
    # on different sites share tids and pids: they are different threads)
    host = lambda u: u.split("/")[2] if u and "://" in u else u
    hosts_out = {host(by_id[rec["warc_record_id"]]["url"]) for rec in lines if rec.get("warc_record_id") in by_id}
    hosts_in = {host(d["url"]) for d in discuz.values() if d["pids"] and d.get("readable") is not False}
    check(hosts_in <= hosts_out, f"{name}: posts from every site that served a thread page ({len(hosts_in)} sites)",
          f"no posts from: {sorted(hosts_in - hosts_out)}")
    all_pids = set().union(*pids_seen.values()) if pids_seen else set()
    for rid, d in discuz.items():
        if d.get("readable") is False or not d["pids"]:
            continue
        own = pids_seen.get(rid, set())
        missing = set(d["pids"]) - all_pids
        where = "own record" if set(d["pids"]) <= own else "under another capture of the thread" if not missing else "missing"
        check(not missing, f"{name}: {os.path.basename(d['file'])} ({d['payload_form']}): pids {d['pids']} in the output ({where})",
              f"missing {sorted(missing)}")


def wet_records(data):
    from warcio.archiveiterator import ArchiveIterator
    out = []
    for r in ArchiveIterator(io.BytesIO(data), check_digests=True):
        if r.rec_type == "conversion":
            out.append((r.rec_headers.get_header("WARC-Record-ID"), r.rec_headers.get_header("WARC-Target-URI"),
                        r.content_stream().read()))
    return out


def wet_checks(unjam, wet, manifest_path, sample=None, seed=1):
    m = json.load(open(manifest_path, encoding="utf-8"))["records"]
    name = os.path.basename(wet)
    raw = gzip.open(wet, "rb").read()
    src = wet_records(raw)  # (id, url, text bytes) in file order, as written by make_warc
    p = subprocess.run([unjam, "--no-config", "clean", "--wet", wet], capture_output=True)
    check(p.returncode == 0, f"{name}: clean --wet exits 0", p.stderr.decode()[-500:])
    out = [json.loads(l) for l in p.stdout.decode("utf-8").splitlines() if l.strip()]
    check(len(out) == len(src), f"{name}: one JSON line per conversion record ({len(out)} / {len(src)})")
    check([o.get("warc_record_id") for o in out] == [s[0] for s in src], f"{name}: records in order, ids kept")
    check(all(o.get("url") == s[1] for o, s in zip(out, src)), f"{name}: url == WARC-Target-URI")
    check(all(o.get("warc_date") for o in out), f"{name}: warc_date on every line")
    idx = list(range(min(len(out), len(src))))
    if sample and len(idx) > sample:
        idx = sorted(random.Random(seed).sample(idx, sample))
    per_kind = collections.Counter()
    wrong = collections.defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        for i in idx:
            rid, _, text = src[i]
            info = m.get(rid, {})
            kind = info.get("kind", "?")
            per_kind[kind] += 1
            got = out[i].get("text", "")
            if kind == "noisy":
                f = os.path.join(tmp, "t.txt")
                with open(f, "wb") as fh:
                    fh.write(text)
                want = subprocess.run([unjam, "--no-config", "clean", f], capture_output=True).stdout.decode("utf-8")
            else:
                want = text.decode("utf-8")
            if got != want:
                wrong[kind].append((info.get("post"), info.get("source")))
    n = per_kind["noisy"]
    check(not wrong["noisy"], f"{name}: jammed records == per-file `unjam clean` of the same text ({n - len(wrong['noisy'])}/{n})",
          str(wrong["noisy"][:5]))
    for kind in ("clean", "filler"):
        n = per_kind[kind]
        check(not wrong[kind], f"{name}: {kind} records byte-identical to their source ({n - len(wrong[kind])}/{n})",
              "changed: " + ", ".join(str(x[0]) for x in wrong[kind][:12]))
    # --only-jammed: a subset, and no untouched record in it
    p2 = subprocess.run([unjam, "--no-config", "clean", "--wet", "--only-jammed", wet], capture_output=True)
    oj = [json.loads(l) for l in p2.stdout.decode("utf-8").splitlines() if l.strip()]
    ids = {o["warc_record_id"] for o in oj}
    untouched = {s[0] for s, o in zip(src, out) if o.get("text", "").encode("utf-8") == s[2]}
    check(p2.returncode == 0 and ids <= {o["warc_record_id"] for o in out} and not (ids & untouched),
          f"{name}: --only-jammed keeps {len(oj)} records, all of them changed ones")
    # --format wet: readable by warcio with digests, same ids and texts as the JSON Lines output
    p3 = subprocess.run([unjam, "--no-config", "clean", "--wet", "--format", "wet", wet], capture_output=True)
    try:
        again = wet_records(p3.stdout)
        ok = [r[0] for r in again] == [o["warc_record_id"] for o in out] and \
             all(r[2].decode("utf-8") == o["text"] for r, o in zip(again, out))
        check(p3.returncode == 0 and ok, f"{name}: --format wet is valid WET (warcio, digests) with the same ids and texts")
    except Exception as ex:
        check(False, f"{name}: --format wet is valid WET", repr(ex))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--unjam", default=os.path.join(ROOT, "target/release/unjam"))
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--sample", type=int, default=0, help="per-file clean runs on a sample of N records per WET (0: all)")
    a = ap.parse_args()
    fx = os.path.join(ROOT, "fixtures/warc")
    for ex in sorted(glob.glob(os.path.join(fx, "expected-*.json"))):
        warc_checks(a.unjam, ex)
    wet_checks(a.unjam, os.path.join(fx, "texts.warc.wet.gz"), os.path.join(fx, "texts-manifest.json"))
    corpora = [c for c in ("noise-corpus", "noise-corpus-2") if os.path.isdir(os.path.join(a.shared, c, "posts"))]
    if corpora:
        with tempfile.TemporaryDirectory() as tmp:
            for v in ("innertext", "gettext", "seedlike"):
                wet, man = os.path.join(tmp, f"nc-{v}.warc.wet.gz"), os.path.join(tmp, f"nc-{v}.json")
                cmd = [sys.executable, os.path.join(ROOT, "tools/warc/make_warc.py"), "--variant", v,
                       "--filler-texts", "20", "--seed", "9", "--wet", wet, "--manifest", man]
                for c in corpora:
                    cmd += ["--wet-from-texts", os.path.join(a.shared, c)]
                subprocess.run(cmd, check=True, capture_output=True)
                wet_checks(a.unjam, wet, man, sample=a.sample or None)
    else:
        print(f"SKIPPED: shared noise corpora not found under {a.shared}")
    print(f"\n{len(FAILS)} check(s) failed" if FAILS else "\nall checks passed")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
