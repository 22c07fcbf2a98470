#!/usr/bin/env python3
"""Hostile inputs against the release binary: time, peak RSS, exit code and message of each.

Generates each input in a temp directory (or serves it from a loopback HTTP server), runs
`unjam` under /usr/bin/time, and prints a Markdown table (the one in SECURITY.md).

usage: bench/hostile.py target/release/unjam [--quick]
  --quick: smaller sizes (for a smoke run); the table in SECURITY.md is from a full run.
"""
import gzip
import shutil
import http.server
import os
import socketserver
import subprocess
import sys
import tempfile
import threading
import time

UNJAM = sys.argv[1]
QUICK = "--quick" in sys.argv
MB = 1 << 20


def page(posts_html, title="t"):
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\" /><title>%s</title>"
        "<meta name=\"generator\" content=\"Discuz! X3.5\" /></head><body>"
        "<div id=\"postlist\">%s</div></body></html>" % (title, posts_html)
    )


def post(pid, text):
    return (
        '<div id="post_%d"><table id="pid%d" class="plhin"><tr><td class="pls"><div class="pi"><div class="authi">'
        '<a href="space-uid-1.html" class="xw1">a</a></div></div></td><td class="plc"><div class="pi"><strong>'
        '<a id="postnum%d"><em>%d</em></a></strong><div class="pti"><div class="authi"><em id="authorposton%d">'
        '发表于 2026-9-1 10:00</em></div></div></div><div class="pct"><div class="pcb"><div class="t_fsz"><table><tr>'
        '<td class="t_f" id="postmessage_%d">%s</td></tr></table></div></div></div></td></tr></table></div>'
        % (pid, pid, pid, pid, pid, pid, text)
    )


def run(args, stdin=None, timeout=600):
    start = time.time()
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as inp:
        p = subprocess.run(
            ["/usr/bin/time", "-f", "%M", UNJAM] + args,
            stdin=inp,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
        )
    wall = time.time() - start
    err = p.stderr.decode("utf-8", "replace").strip().splitlines()
    rss_kib = int(err[-1]) if err and err[-1].isdigit() else 0
    msg = next((l for l in err[:-1] if l.startswith("unjam:")), "")
    return wall, rss_kib / 1024, p.returncode, msg


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def serve(routes):
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            path = self.path.split("?")[0]
            for prefix, fn in routes:
                if self.path.startswith(prefix) or path.startswith(prefix):
                    return fn(self)
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    s = Server(("127.0.0.1", 0), H)
    threading.Thread(target=s.serve_forever, daemon=True).start()
    return s, "http://127.0.0.1:%d" % s.server_address[1]


def reply(h, body, status=200, headers=()):
    h.send_response(status)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    for k, v in headers:
        h.send_header(k, v)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def main():
    rows = []
    tmp = tempfile.mkdtemp(prefix="unjam-hostile-")

    def case(name, args, stdin=None, timeout=600):
        wall, rss, code, msg = run(args, stdin, timeout)
        rows.append((name, "%.1f s" % wall, "%.0f MB" % rss, str(code), msg.replace("|", "\\|")[:150]))
        print(rows[-1], flush=True)

    # 1. Deeply nested HTML: 100k levels of <div> inside a post body.
    depth = 20_000 if QUICK else 100_000
    f = os.path.join(tmp, "nested.html")
    with open(f, "w") as out:
        out.write(page(post(1, "<div>" * depth + "深处" + "</div>" * depth)))
    case("HTML nested %dk levels deep" % (depth // 1000), ["extract", f])
    f = os.path.join(tmp, "nested-9k.html")
    with open(f, "w") as out:
        out.write(page(post(1, "<div>" * 9_000 + "深处" + "</div>" * 9_000)))
    case("HTML nested 9k levels deep (under the limit)", ["extract", f])

    # 2. A 200 MB page (one post of 200 MB of text) in a file.
    size = 20 * MB if QUICK else 200 * MB
    f = os.path.join(tmp, "huge.html")
    with open(f, "w") as out:
        out.write(page(post(1, ("正文" * 1000 + "<br />\n") * (size // 6010))))
    case("a %d MB page (extract)" % (size // MB), ["extract", f])
    case("the same, --max-size %dM" % (size // MB + 56), ["extract", "--max-size", "%dM" % (size // MB + 56), f])

    # 3. A 1 GB single line to clean (junk every 100 bytes).
    size = 100 * MB if QUICK else 1024 * MB
    f = os.path.join(tmp, "line.txt")
    chunk = ("中文正文" * 8 + "8 G, {* O5 w4 X) s6 w" + "abc" * 8).encode()
    with open(f, "wb") as out:
        for _ in range(size // len(chunk)):
            out.write(chunk)
    case("one %d MB line (clean)" % (size // MB), ["clean", f])
    os.remove(f)

    # 4. A page with 100k posts.
    n = 10_000 if QUICK else 100_000
    f = os.path.join(tmp, "many.html")
    with open(f, "w") as out:
        out.write(page("".join(post(i, "第 %d 楼<br />\n内容" % i) for i in range(1, n + 1))))
    mb = os.path.getsize(f) // MB
    case("a page with %dk posts (%d MB)" % (n // 1000, mb), ["extract", "-f", "jsonl", f])
    case("the same, --max-size %dM" % (mb + 30), ["extract", "-f", "jsonl", "--max-size", "%dM" % (mb + 30), f])

    # 5. 10 MB attribute values.
    f = os.path.join(tmp, "attr.html")
    big = "x" * (10 * MB)
    with open(f, "w") as out:
        out.write(page(post(1, '<img file="%s" /><a href="%s">链接</a>正文' % (big, big[: 8 * MB])), title="t"))
    case("10 MB and 8 MB attribute values", ["extract", "-f", "jsonl", f])

    # HTTP cases, from a loopback server.
    one_page = page(post(1, "正文")).replace("</body>", '<div class="pg"><strong>1</strong><label><span title="共 1000000000 页"> / 1000000000 页</span></label></div></body>').encode()

    def pager(h):
        reply(h, one_page)

    def redirect(h):
        n = int(h.path.rsplit("/", 1)[1] or 0)
        h.send_response(302)
        h.send_header("Location", "/redirect/%d" % (n + 1))
        h.send_header("Content-Length", "0")
        h.end_headers()

    def trickle(h):
        body = one_page
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        try:
            for b in body:
                h.wfile.write(bytes([b]))
                h.wfile.flush()
                time.sleep(1)
        except Exception:
            pass

    bomb = gzip.compress(b"<html>" + b" " * (1024 * MB if not QUICK else 100 * MB), 9)

    def gzbomb(h):
        reply(h, bomb, headers=[("Content-Encoding", "gzip")])

    def by_tid(h):
        tid = h.path.split("tid=")[1].split("&")[0]
        {"1": pager, "2": lambda h: redirect_to(h, 1), "3": trickle, "4": gzbomb}[tid](h)

    def redirect_to(h, n):
        h.send_response(302)
        h.send_header("Location", "/redirect/%d" % n)
        h.send_header("Content-Length", "0")
        h.end_headers()

    srv, base = serve([("/forum.php", by_tid), ("/redirect/", redirect)])
    thread = ["thread", "--wait", "0", "--retries", "0", "-f", "jsonl"]
    url = base + "/forum.php?mod=viewthread&tid="
    case("pager claiming 10^9 pages", thread + [url + "1"])
    case("redirect chain (endless)", thread + [url + "2"])
    case("server trickling 1 byte/s (--timeout 5)", thread + ["--timeout", "5", url + "3"], timeout=120)
    case("gzip bomb (%d KB -> %d MB)" % (len(bomb) // 1024, (1024 if not QUICK else 100)), thread + [url + "4"])
    srv.shutdown()

    shutil.rmtree(tmp, ignore_errors=True)
    print()
    print("| input | wall | peak RSS | exit | message |")
    print("|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
