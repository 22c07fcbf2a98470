#!/usr/bin/env python3
"""`unjam thread` against a loopback server replaying the shared Discuz captures (issue #4).

For each capture set (../shared/discuz-pages/x35-*), a server on 127.0.0.1 answers thread URLs
(`forum.php?mod=viewthread&tid=T[&page=P]` and `thread-T-P-1.html`) with the captured jammer-on
page bytes and their captured headers. For every thread whose pages 1..N are all captured in a
URL form, `unjam thread --wait 0 -f jsonl URL` must give the same records (but `url`) as
`unjam extract -f jsonl` on the saved pages: every post once, in order, same text. Threads whose
pages are not all captured are listed as skipped.

usage: bench/thread_acceptance.py UNJAM [SET_DIR...]
"""
import glob
import http.server
import json
import os
import re
import subprocess
import sys
import threading


def serve(set_dir, files):
    """files: {(tid, page, rewrite): filename}"""

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            m = re.match(r"/thread-(\d+)-(\d+)-\d+\.html$", self.path)
            if m:
                key = (int(m.group(1)), int(m.group(2)), True)
            else:
                tid = re.search(r"[?&]tid=(\d+)", self.path)
                page = re.search(r"[?&]page=(\d+)", self.path)
                key = (int(tid.group(1)) if tid else 0, int(page.group(1)) if page else 1, False)
            name = files.get(key)
            if name is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = open(os.path.join(set_dir, name), "rb").read()
            head = open(os.path.join(set_dir, name[:-5] + ".headers"), encoding="latin-1").read()
            self.send_response(200)
            for line in head.splitlines()[1:]:
                if ":" in line:
                    k, v = line.split(":", 1)
                    if k.lower() in ("content-type", "set-cookie", "date"):
                        self.send_header(k, v.strip())
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def records(out):
    recs = []
    for line in out.decode("utf-8").splitlines():
        r = json.loads(line)
        r.pop("url", None)
        recs.append(r)
    return recs


def main():
    unjam = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    sets = sys.argv[2:] or sorted(glob.glob(os.path.join(here, "..", "..", "shared", "discuz-pages", "x35-*")))
    checked = failed = posts = 0
    skipped = []
    for set_dir in sets:
        manifest = json.load(open(os.path.join(set_dir, "MANIFEST.json")))
        files, totals = {}, {}
        for f in manifest["files"]:
            if f["kind"] == "viewthread" and f.get("jammer") == "on" and "plain" not in f["file"]:
                files[(f["tid"], f["page"], bool(f.get("rewrite")))] = f["file"]
                totals[f["tid"]] = f.get("pages_total") or 1
        httpd = serve(set_dir, files)
        port = httpd.server_address[1]
        for (tid, rewrite) in sorted({(t, r) for (t, _, r) in files}):
            n = totals[tid]
            names = [files.get((tid, p, rewrite)) for p in range(1, n + 1)]
            label = f"{os.path.basename(set_dir)} tid {tid} ({'thread-T-P-1.html' if rewrite else 'forum.php'}, {n} pages)"
            if None in names:
                skipped.append(f"{label}: pages {[p + 1 for p, x in enumerate(names) if x is None]} not captured")
                continue
            url = f"http://127.0.0.1:{port}/" + (f"thread-{tid}-1-1.html" if rewrite else f"forum.php?mod=viewthread&tid={tid}&extra=page%3D1")
            got = subprocess.run([unjam, "-q", "thread", "--wait", "0", "--retries", "0", "-f", "jsonl", url], capture_output=True)
            want = subprocess.run([unjam, "-q", "extract", "-f", "jsonl"] + [os.path.join(set_dir, x) for x in names], capture_output=True)
            checked += 1
            if got.returncode != 0 or want.returncode != 0:
                failed += 1
                print(f"FAIL {label}: thread exit {got.returncode}: {got.stderr.decode(errors='replace').strip()}")
                continue
            g, w = records(got.stdout), records(want.stdout)
            pids = [r["pid"] for r in g]
            if g != w or len(pids) != len(set(pids)):
                failed += 1
                print(f"FAIL {label}: {len(g)} records vs {len(w)} from the saved pages")
                continue
            posts += len(g)
            print(f"ok   {label}: {len(g)} posts")
        httpd.shutdown()
    for s in skipped:
        print(f"skipped {s}")
    print(f"\nthreads checked {checked}, failed {failed}, skipped {len(skipped)}, posts {posts}")
    sys.exit(1 if failed or checked == 0 else 0)


if __name__ == "__main__":
    main()
