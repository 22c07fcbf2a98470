#!/usr/bin/env python3
"""Issue #12 acceptance: every post of every Discuz page packed into a WARC comes out of
`unjam extract --warc` with the same text (and author, time, ids) as `unjam extract` gives on the
saved page itself, and every non-Discuz record is skipped and counted.

The pages are the real captures of ../shared/discuz-pages/ (GBK and UTF-8, every view, gate
pages, listings; their HTTP heads from the .headers files), packed by tools/warc/make_warc.py the
way Common Crawl writes WARC files (request + response + metadata per capture, a gzip member per
record, some payloads stored chunked/gzipped as other crawlers do), with non-Discuz filler pages
between them (some with traps: the word Discuz, links to another site's thread, hidden spans).

Posts are compared as sets of (host, kind, tid, pid, floor, author, posted_at, text): a page
captured twice (jammer on and off, two URL forms) gives its posts once in the WARC output, and the
direct runs of both captures must then agree with it.

Usage: bench/warc_pages_acceptance.py [--unjam target/release/unjam] [--shared ../shared]
Exit status 1 on any difference (each printed), 0 when all hold.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from urllib.parse import urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIELDS = ("tid", "pid", "floor", "author", "posted_at", "text")


def key(post):
    u = urlsplit(post["url"] or "")
    host = f"{u.scheme}://{(u.hostname or '').lower()}:{u.port or ''}"
    return (host, post["kind"]) + tuple(json.dumps(post[f], ensure_ascii=False) for f in FIELDS)


def run(cmd):
    return subprocess.run(cmd, capture_output=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--unjam", default=os.path.join(ROOT, "target/release/unjam"))
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--filler", type=int, default=300)
    a = ap.parse_args()
    dirs = [os.path.join(a.shared, "discuz-pages", d) for d in ("x35-gbk", "x35-utf8")]
    dirs = [d for d in dirs if os.path.isdir(d)]
    if not dirs:
        print(f"SKIPPED: no discuz-pages under {a.shared}")
        return 0
    fails = []
    with tempfile.TemporaryDirectory() as tmp:
        warc = os.path.join(tmp, "shared.warc.gz")
        expect = os.path.join(tmp, "expect.json")
        cmd = [sys.executable, os.path.join(ROOT, "tools/warc/make_warc.py"), "--filler", str(a.filler),
               "--seed", "12", "--raw-encoding-share", "0.2", "--out", warc, "--expect", expect]
        for d in dirs:
            cmd += ["--pages", d]
        r = run(cmd)
        if r.returncode != 0:
            print(r.stderr.decode(errors="replace"))
            return 1
        exp = json.load(open(expect))
        discuz = exp["discuz"]
        n_filler = sum(1 for r in exp["responses"] if not r["discuz"])

        # Direct runs: each saved page (its .headers beside it) with the URL it was packed under.
        direct, with_posts, by_url = set(), 0, {}
        for d in discuz:
            by_url.setdefault(d["url"], set()).add(d["warc_record_id"])
            path = d["file"] if os.path.isabs(d["file"]) else os.path.join(ROOT, d["file"])
            r = run([a.unjam, "--no-config", "extract", "-f", "jsonl", "--url", d["url"], path])
            if r.returncode == 0:
                with_posts += 1
                for line in r.stdout.decode().splitlines():
                    direct.add(key(json.loads(line)))
            elif r.returncode not in (3, 4, 5, 6, 7, 8):
                fails.append(f"direct extract of {path} failed ({r.returncode}): {r.stderr.decode()[:200]}")

        r = run([a.unjam, "--no-config", "extract", "--warc", "-f", "jsonl", "--stats", warc])
        stats = r.stderr.decode()
        if r.returncode != 0:
            fails.append(f"extract --warc exited {r.returncode}: {stats[:300]}")
        got = set()
        lines = r.stdout.decode().splitlines()
        for line in lines:
            p = json.loads(line)
            got.add(key(p))
            if p.get("warc_record_id") not in by_url.get(p["url"], ()):
                fails.append(f"post {p['tid']}/{p['pid']}: warc_record_id {p.get('warc_record_id')} is not a record of {p['url']}")
        for k in sorted(direct - got):
            fails.append(f"missing from the WARC output: {k[:5]} {k[-1][:60]}")
        for k in sorted(got - direct):
            fails.append(f"not given by the saved page: {k[:5]} {k[-1][:60]}")

        # Counts: every response is a Discuz page or a skipped filler page.
        def stat(label):
            import re
            m = re.search(label, stats)
            return int(m.group(1)) if m else None
        pages = stat(r"Discuz thread pages: (\d+)")
        responses = stat(r"\((\d+) responses\)")
        skipped = sum(stat(p) or 0 for p in (r"(\d+) not HTML", r"(\d+) not Discuz \(sniffed\)", r"(\d+) not a thread page"))
        gates = sum(int(n) for n in __import__("re").findall(r"(\d+) (?:not found|login required|no permission|anti-theft|browser challenge)", stats))
        if pages != with_posts:
            fails.append(f"thread pages: {pages} from the WARC, {with_posts} saved pages give posts")
        if responses != len(discuz) + n_filler:
            fails.append(f"responses: {responses}, packed {len(discuz)} Discuz + {n_filler} filler")
        if skipped + gates + (pages or 0) != responses:
            fails.append(f"skipped {skipped} + gates {gates} + pages {pages} != responses {responses}")
        print(f"packed: {len(discuz)} Discuz captures ({with_posts} with posts) + {n_filler} filler pages, "
              f"{exp['records']} records, {exp['uncompressed_bytes'] / 1e6:.1f} MB")
        print(f"posts: {len(lines)} lines from the WARC, {len(got)} distinct; {len(direct)} distinct from the saved pages")
        print(f"unjam --stats: {stats.strip()}")
    for f in fails[:40]:
        print("FAIL", f)
    if len(fails) > 40:
        print(f"... {len(fails) - 40} more")
    print(f"{len(fails)} difference(s)" if fails else "all posts equal, every non-Discuz record skipped")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
