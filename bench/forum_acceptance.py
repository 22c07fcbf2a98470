#!/usr/bin/env python3
"""`unjam forum` against a loopback server replaying the shared Discuz captures (issue #5).

For each capture set (../shared/discuz-pages/x35-*), a server on 127.0.0.1 answers board
listings (`forum.php?mod=forumdisplay&fid=F[&page=P]`, `forum-F-P.html`), the closed board's
error page, and thread pages (as bench/thread_acceptance.py), with the captured bytes and headers.
robots.txt is answered 404, except in the robots check. It checks, per set:

  1. `forum --list` on each captured board, both URL forms: every thread the manifest lists on the
     board's pages (stickies included) exactly once;
  2. the board closed to guests (fid 37) is reported as a gate (exit 4 or 5), nothing written;
  3. `forum -f jsonl --state S` on each board: every listed thread's first page requested once;
     for each thread whose pages are all captured, the records equal `unjam extract` on the saved
     pages; threads not captured are reported (exit 1), not invented;
  4. the same command again: only listing pages requested, nothing written;
  5. with Discuz X3.5's stock robots.txt: exit 9, and nothing but robots.txt requested.

usage: bench/forum_acceptance.py UNJAM [SET_DIR...]
"""
import glob
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading

STOCK_ROBOTS = b"#\n# robots.txt for Discuz! X3\n#\n\nUser-agent: *\nAllow: /data/avatar/\nDisallow: *\n"


def serve(set_dir, threads, boards, errors, robots):
    log = []

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def send(self, status, body, head_file=None):
            self.send_response(status)
            if head_file:
                head = open(os.path.join(set_dir, head_file), encoding="latin-1").read()
                for line in head.splitlines()[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        if k.lower() in ("content-type", "date"):
                            self.send_header(k, v.strip())
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            log.append(self.path)
            if self.path == "/robots.txt":
                return self.send(200, robots) if robots else self.send(404, b"")
            name = None
            m = re.match(r"/forum-(\d+)-(\d+)\.html$", self.path)
            if m:
                name = boards.get((int(m.group(1)), int(m.group(2)), True))
            elif "mod=forumdisplay" in self.path:
                fid = int(re.search(r"[?&]fid=(\d+)", self.path).group(1))
                page = re.search(r"[?&]page=(\d+)", self.path)
                page = int(page.group(1)) if page else 1
                name = boards.get((fid, page, False)) or errors.get(("fid", fid))
            else:
                m = re.match(r"/thread-(\d+)-(\d+)-\d+\.html$", self.path)
                if m:
                    key = (int(m.group(1)), int(m.group(2)), True)
                else:
                    tid = re.search(r"[?&]tid=(\d+)", self.path)
                    page = re.search(r"[?&]page=(\d+)", self.path)
                    key = (int(tid.group(1)) if tid else 0, int(page.group(1)) if page else 1, False)
                name = threads.get(key) or errors.get(("tid", key[0]))
            if name is None:
                return self.send(404, b"")
            body = open(os.path.join(set_dir, name), "rb").read()
            self.send(200, body, name[:-5] + ".headers")

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, log


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
    failed = []
    figures = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            failed.append(what)

    for set_dir in sets:
        name = os.path.basename(set_dir)
        manifest = json.load(open(os.path.join(set_dir, "MANIFEST.json")))
        threads, totals, boards, errors, listed = {}, {}, {}, {}, {}
        for f in manifest["files"]:
            if f["kind"] == "viewthread" and f.get("jammer") == "on" and "plain" not in f["file"]:
                threads[(f["tid"], f["page"], bool(f.get("rewrite")))] = f["file"]
                totals[f["tid"]] = f.get("pages_total") or 1
            elif f["kind"] == "forumdisplay":
                boards[(f["fid"], f["page"], bool(f.get("rewrite")))] = f["file"]
                if not f.get("rewrite"):
                    listed.setdefault(f["fid"], []).extend(f.get("tids_sticky", []) + f.get("tids_listed", []))
            elif f["kind"] == "error" and "forumdisplay" in f["url"]:
                errors[("fid", f["fid"])] = f["file"]
            elif f["kind"] == "error" and "viewthread" in f["url"] and "printable" not in f["url"] and "mobile" not in f["url"]:
                errors[("tid", f["tid"])] = f["file"]
        httpd, log = serve(set_dir, threads, boards, errors, None)
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"

        # 1. --list, both URL forms.
        for fid, want in sorted(listed.items()):
            forms = [f"forum.php?mod=forumdisplay&fid={fid}"]
            if (fid, 1, True) in boards:
                forms.append(f"forum-{fid}-1.html")
            for form in forms:
                r = subprocess.run([unjam, "-q", "forum", "--wait", "0", "--list", base + form], capture_output=True)
                got = [json.loads(l)["tid"] for l in r.stdout.decode().splitlines()]
                check(r.returncode == 0 and sorted(got) == sorted(set(want)) and len(got) == len(set(got)),
                      f"{name} fid {fid} --list ({form}): {len(got)} threads, manifest {len(set(want))}, each once")

        # 2. The closed board.
        for (kind, fid), _ in errors.items():
            if kind != "fid":
                continue
            r = subprocess.run([unjam, "forum", "--wait", "0", "--list", base + f"forum.php?mod=forumdisplay&fid={fid}"], capture_output=True)
            check(r.returncode in (4, 5) and r.stdout == b"",
                  f"{name} fid {fid} (closed to guests): exit {r.returncode}, {r.stderr.decode(errors='replace').strip()[:120]}")

        # 3. and 4. Every thread, then a rerun.
        for fid in sorted(listed):
            with tempfile.TemporaryDirectory() as tmp:
                state = os.path.join(tmp, "state.json")
                url = base + f"forum.php?mod=forumdisplay&fid={fid}"
                del log[:]
                r = subprocess.run([unjam, "-q", "forum", "--wait", "0", "--retries", "0", "-f", "jsonl", "--state", state, url], capture_output=True)
                recs = records(r.stdout)
                firsts = [p for p in log if "mod=viewthread" in p and "page=1" in p]
                tids = sorted(int(re.search(r"tid=(\d+)", p).group(1)) for p in firsts)
                check(tids == sorted(set(listed[fid])), f"{name} fid {fid}: first pages requested once each ({len(tids)} threads)")
                complete = [t for t in set(listed[fid]) if all((t, p, False) in threads for p in range(1, totals.get(t, 1) + 1)) and t in totals]
                ok = True
                posts = 0
                for t in complete:
                    names = [threads[(t, p, False)] for p in range(1, totals[t] + 1)]
                    want = subprocess.run([unjam, "-q", "extract", "-f", "jsonl"] + [os.path.join(set_dir, x) for x in names], capture_output=True)
                    g = [x for x in recs if x["tid"] == t]
                    if g != records(want.stdout):
                        ok = False
                        print(f"     tid {t}: {len(g)} records vs {len(records(want.stdout))} from the saved pages")
                    posts += len(g)
                missing = sorted(set(listed[fid]) - set(complete))
                expect_exit = 1 if missing else 0
                check(ok and r.returncode == expect_exit and len(recs) == posts,
                      f"{name} fid {fid}: {len(complete)} captured threads, {posts} posts equal to extract; "
                      f"{len(missing)} not captured reported, exit {r.returncode}")
                listing_pages = len([p for p in log if "forumdisplay" in p])
                del log[:]
                r2 = subprocess.run([unjam, "-q", "forum", "--wait", "0", "--retries", "0", "-f", "jsonl", "--state", state, url], capture_output=True)
                thread_reqs = [p for p in log if "viewthread" in p and int(re.search(r"tid=(\d+)", p).group(1)) in complete]
                check(r2.stdout == b"" and not thread_reqs,
                      f"{name} fid {fid} rerun: {len(log)} requests ({listing_pages} listing pages, "
                      f"{len(log) - listing_pages} for threads that failed before), nothing written")
                figures.append(f"{name} fid {fid}: rerun {len(log)} requests, listing pages {listing_pages}")
        httpd.shutdown()

        # 5. Stock robots.txt.
        httpd, log = serve(set_dir, threads, boards, errors, STOCK_ROBOTS)
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        r = subprocess.run([unjam, "forum", "--wait", "0", "-f", "jsonl", base + "forum.php?mod=forumdisplay&fid=2"], capture_output=True)
        err = r.stderr.decode(errors="replace")
        check(r.returncode == 9 and r.stdout == b"" and log == ["/robots.txt"] and "Disallow: *" in err,
              f"{name} stock robots.txt: exit {r.returncode}, requests {log}")
        httpd.shutdown()

    for f in figures:
        print(f)
    print(f"\nchecks failed: {len(failed)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
