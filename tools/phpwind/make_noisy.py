#!/usr/bin/env python3
"""Write PHPWind-jammed text the way a CSS-blind scraper sees it (fixtures/clean/phpwind.*).

PHPWind's `copyctrl` turns every `<br />` of a post into
`<span style="display:none"> R </span>&nbsp;<br />`, R = ten characters of chr(0..126). The
text form is ` R \\u00a0` at each line end. As on real pages, a line feed in R is stored as
CR LF, and a few strings lose one character. The clean text is the post itself; a line that
ends in a typed no-break space after a ten-character word is kept (a trap).

Usage: tools/phpwind/make_noisy.py OUT_PREFIX   (writes OUT_PREFIX.noisy.txt and .clean.txt)
"""
import random
import sys

POST = """PHPWind 论坛的防采集选项会在每个换行处插入隐藏的随机字符。
第二行：这些字符来自 chr(0..126)，包括控制字符。

An English line, then code:
    $ ./configure --prefix=/usr
    make && make install
最后一行，编辑于 2009-05-01。"""

# Lines the jammer did not touch (no <br /> after them in the post): a typed &nbsp; after a
# ten-character word stays, in a jammed document too.
TRAP = "see config.yml \u00a0"


def junk(rng, short=False, lf=False):
    r = [chr(rng.randint(0, 126)) for _ in range(10)]
    if lf:
        r[4] = "\r\n"
    if short:
        r.pop(7)
    return " " + "".join(r) + " \u00a0"


def main():
    prefix = sys.argv[1]
    rng = random.Random(22)
    lines = POST.split("\n")
    noisy, clean = [], []
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        clean.append(line)
        if last:
            noisy.append(line)
            continue
        while True:
            j = junk(rng, short=(i == 2), lf=(i == 4))
            # A string without a control character is left to chance no more than the
            # generator does: keep the fixture's cases fixed.
            if i == 5 or any(ord(c) < 32 for c in j[1:-2]):
                break
        if i == 5:
            j = " *Bsmn!_cB{ \u00a0"
        noisy.append(line + j)
    noisy.insert(3, TRAP)
    clean.insert(3, TRAP)
    with open(prefix + ".noisy.txt", "w", newline="") as f:
        f.write("\n".join(noisy) + "\n")
    with open(prefix + ".clean.txt", "w", newline="") as f:
        f.write("\n".join(clean) + "\n")


main()
