#!/usr/bin/env python3
"""Build the character model of real text that `unjam clean` weighs junk against.

The cleaner decides each ambiguous boundary (is `# C` at a line start junk, or the start of
`# Comment`?) by comparing how likely the characters are under the jammer's generator and under
real text. This script builds the second half: a trigram model over a small alphabet (ASCII
one by one, CJK and other scripts by class, line edges as a symbol), smoothed with interpolated
Kneser-Ney, written as a dense table of quantised -log2 probabilities to
`src/clean/textmodel.bin` (embedded in the binary).

Training text (see README.md beside this script for why these and not others):
  * the Rust sources and Markdown of the crates pinned in Cargo.lock (English prose in docs and
    comments, code, shell snippets), from cargo's registry cache (`cargo fetch` fills it);
  * the Chinese (zh_CN, zh_TW) message catalogs of Debian packages (`/usr/share/locale`):
    Chinese text with commands, options, paths and numbers mixed in. Only the translations are
    read, never the English message ids.
  * with `--shared DIR` (../shared, the development material): the clean texts of the tuning
    half of the labelled noise corpora, weighted ten times: `noise-corpus` whole and the
    odd-numbered posts of `noise-corpus-2`. The even-numbered posts of `noise-corpus-2` are never
    read: they are the half the accuracy figures are reported on.
  * optionally `--extra FILE...` (plain UTF-8 text, one line per line).

Run `cargo fetch` first (the crates' sources come from cargo's cache).

Usage: tools/textmodel/train.py [--out src/clean/textmodel.bin] [--shared ../shared] [--extra FILE ...]
"""
import argparse
import gettext
import glob
import hashlib
import math
import os
import re
import struct
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

# ---------------------------------------------------------------- alphabet (mirrors src/clean/textmodel.rs)
EDGE = 0          # line start (as context) and line end (as predicted symbol)
TAB = 96
CONTROL = 97
HAN = 98
CJK_PUNCT = 99
OTHER = 100
V = 101
ALPHABET_VERSION = 1


def sym(ch):
    o = ord(ch)
    if 0x20 <= o <= 0x7E:
        return o - 0x1F
    if o == 0xA0:
        return 1  # NBSP: Discuz writes double spaces so; it stands for a space
    if o == 0x09:
        return TAB
    if o < 0x20 or 0x7F <= o <= 0x9F:
        return CONTROL
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF:
        return HAN
    if 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or 0x2000 <= o <= 0x206F or 0xFE30 <= o <= 0xFE4F:
        return CJK_PUNCT
    return OTHER


# ---------------------------------------------------------------- sources
def cargo_lines(budget_rs, budget_md, per_crate):
    lock = open(os.path.join(ROOT, "Cargo.lock"), encoding="utf-8").read()
    pkgs = sorted(set(re.findall(r'name = "([^"]+)"\nversion = "([^"]+)"', lock)))
    roots = sorted(glob.glob(os.path.expanduser("~/.cargo/registry/src/*")))
    rs_out, md_out, used = [], [], []
    rs_total = md_total = 0
    for name, version in pkgs:
        d = next((os.path.join(r, f"{name}-{version}") for r in roots
                  if os.path.isdir(os.path.join(r, f"{name}-{version}"))), None)
        if d is None:
            continue
        used.append(f"{name}-{version}")
        taken = 0
        for dp, dn, fn in sorted(os.walk(d)):
            dn.sort()
            for f in sorted(fn):
                p = os.path.join(dp, f)
                if not (f.endswith(".rs") or f.endswith(".md")):
                    continue
                try:
                    text = open(p, encoding="utf-8").read()
                except (UnicodeDecodeError, OSError):
                    continue
                lines = text.split("\n")
                # Generated tables (unicode data, test vectors) are not text anyone writes.
                if lines and sum(len(l) > 200 for l in lines) > len(lines) // 20:
                    continue
                if f.endswith(".rs"):
                    lines = [prose_of_comment(l) for l in lines]
                if f.endswith(".md"):
                    if md_total < budget_md:
                        md_out.extend(lines)
                        md_total += len(text)
                elif rs_total < budget_rs and taken < per_crate:
                    digits = sum(c.isdigit() for c in text)
                    if digits > len(text) // 4:
                        continue
                    rs_out.extend(lines)
                    rs_total += len(text)
                    taken += len(text)
    return rs_out, md_out, used


COMMENT = re.compile(r"^\s*(?://[/!]?|/\*+|\*+/?)\s?")


def prose_of_comment(line):
    """A comment line as the prose it is: Rust doc comments are hard-wrapped English, the most
    plentiful such text here (lines that end where a sentence does not)."""
    m = COMMENT.match(line)
    return line[m.end():] if m else line


def catalog_lines(locale_dir, skip):
    out, used = [], []
    for lang in ("zh_CN", "zh_TW"):
        for p in sorted(glob.glob(os.path.join(locale_dir, lang, "LC_MESSAGES", "*.mo"))):
            base = os.path.basename(p)[:-3]
            if base in skip:
                continue
            try:
                with open(p, "rb") as f:
                    cat = gettext.GNUTranslations(f)._catalog
            except Exception:
                continue
            used.append(f"{lang}/{base}")
            for k, v in sorted(cat.items(), key=lambda kv: str(kv[0])):
                if not isinstance(v, str) or not v or k == "":
                    continue
                out.extend(v.split("\n"))
    return out, used


# ---------------------------------------------------------------- model
def count(lines, c3, c4, c5, w=1, backward=False):
    """Trigram counts (c3), and 4-gram and 5-gram counts (c4, c5) weighted by w; `backward`
    reads each line from its end (a model of what precedes a string)."""
    for line in lines:
        line = line.rstrip("\r")
        body = [sym(ch) for ch in line]
        if backward:
            body.reverse()
        syms = [EDGE, EDGE, EDGE, EDGE] + body + [EDGE]
        for i in range(4, len(syms)):
            a, b, c, d, e = syms[i - 4:i + 1]
            c3[(c * V + d) * V + e] += w
            k4 = ((b * V + c) * V + d) * V + e
            c4[k4] += w
            c5[a * V ** 4 + k4] += w


def higher_orders(c4, c5, tri, d=0.75, keep4=2, keep5=3):
    """Interpolated absolute discounting for 4-grams over the trigram, and 5-grams over that.

    Returns (entries4, bows4, entries5, bows5): -log2 p for kept n-grams (count >= keep), and
    the back-off weight of each context, so that an n-gram not kept costs bow + lower order."""
    def contexts(counts, order):
        tot, types = defaultdict(int), defaultdict(int)
        for k, n in counts.items():
            h = k // V
            tot[h] += n
            types[h] += 1
        return tot, types

    def p3(k4):
        return tri[k4 % (V ** 3)]

    tot4, typ4 = contexts(c4, 4)
    p4 = {}
    bows4 = {}
    for h, t in tot4.items():
        bows4[h] = d * typ4[h] / t
    for k, n in c4.items():
        h = k // V
        p4[k] = max(n - d, 0) / tot4[h] + bows4[h] * p3(k)

    def p4_of(k4):
        if k4 in p4:
            return p4[k4]
        return bows4.get(k4 // V, 1.0) * p3(k4)

    tot5, typ5 = contexts(c5, 5)
    entries5, bows5 = {}, {}
    for h, t in tot5.items():
        bows5[h] = d * typ5[h] / t
    for k, n in c5.items():
        if n >= keep5:
            h = k // V
            entries5[k] = max(n - d, 0) / tot5[h] + bows5[h] * p4_of(k % (V ** 4))
    entries4 = {k: v for k, v in p4.items() if c4[k] >= keep4}
    # A 5-gram whose probability the lower orders already give (within half a bit) need not be
    # kept: it would only repeat them.
    for k in list(entries5):
        lower = bows5[k // V] * p4_of(k % (V ** 4))
        if abs(math.log2(entries5[k]) - math.log2(lower)) < 0.5:
            del entries5[k]
    # Back-off weights only for contexts that keep an n-gram; elsewhere the lower order stands
    # as it is (a context never seen, or with nothing of its own worth keeping).
    bows4 = {k // V: bows4[k // V] for k in entries4}
    bows5 = {k // V: bows5[k // V] for k in entries5}
    return entries4, bows4, entries5, bows5


HASH_MUL = 0x9E3779B97F4A7C15


def hashed_table(items, width):
    """One table in the layout the cleaner reads in place: open addressing, linear probing.

    `m` slots of `width` key bytes (the key plus one, little-endian; 0 is an empty slot) and one
    cost byte. A key's first slot is `((key * HASH_MUL mod 2^64) * m) >> 64`; the table is at
    most 3/4 full. Keys are inserted in ascending order, so the file is a function of the model.
    """
    items = sorted(items)
    m = max(16, len(items) * 4 // 3 + 1)
    keys = [0] * m
    costs = [0] * m
    for k, c in items:
        i = (((k * HASH_MUL) & 0xFFFFFFFFFFFFFFFF) * m) >> 64
        while keys[i]:
            i = i + 1 if i + 1 < m else 0
        keys[i] = k + 1
        costs[i] = c
    out = bytearray(struct.pack("<IB", m, width))
    for k, c in zip(keys, costs):
        out += k.to_bytes(width, "little")
        out.append(c)
    return out


def write_higher(path, entries4, bows4, entries5, bows5):
    """textmodel5.bin: four hashed tables of (key, quantised -log2) pairs."""
    def q(p):
        return min(255, max(0, round(-math.log2(p) * 8)))

    return write_higher_quantised(path, *[{k: q(p) for k, p in t.items()}
                                          for t in (entries4, bows4, entries5, bows5)])


def write_higher_quantised(path, entries4, bows4, entries5, bows5):
    out = bytearray(b"UNJAMTM6" + struct.pack("<HH", ALPHABET_VERSION, V))
    for table, width in ((entries4, 4), (bows4, 4), (entries5, 5), (bows5, 4)):
        out += hashed_table(table.items(), width)
    with open(path, "wb") as f:
        f.write(out)
    return bytes(out)


def kneser_ney(c3, d=0.75):
    """Interpolated Kneser-Ney over a dense trigram space; returns a list of V^3 probabilities."""
    c2ctx = defaultdict(float)      # C(ab.)
    n1_ab = defaultdict(int)        # N1+(ab.)
    cont_bc = defaultdict(int)      # N1+(.bc)
    for k, n in c3.items():
        ab, c = divmod(k, V)
        c2ctx[ab] += n
        n1_ab[ab] += 1
        cont_bc[(ab % V) * V + c] += 1
    # bigram level from continuation counts
    cont_b = defaultdict(int)       # N1+(.b.) = sum_c N1+(.bc)
    n1_b = defaultdict(int)         # N1+(b.) among continuation counts
    cont_c = defaultdict(int)       # N1+(..c) over bigram types: number of b with N1+(.bc) > 0
    for k, n in cont_bc.items():
        b, c = divmod(k, V)
        cont_b[b] += n
        n1_b[b] += 1
        cont_c[c] += 1
    total_c = sum(cont_c.values())
    uni = [0.5 * (cont_c.get(c, 0) / total_c) + 0.5 / V for c in range(V)]

    def p2(b, c):
        cb = cont_b.get(b, 0)
        if cb == 0:
            return uni[c]
        n = cont_bc.get(b * V + c, 0)
        return max(n - d, 0) / cb + d * n1_b[b] / cb * uni[c]

    bigram = [[p2(b, c) for c in range(V)] for b in range(V)]
    probs = [0.0] * (V * V * V)
    for a in range(V):
        for b in range(V):
            ab = a * V + b
            tot = c2ctx.get(ab, 0)
            row = bigram[b]
            base = ab * V
            if tot == 0:
                for c in range(V):
                    probs[base + c] = row[c]
                continue
            lam = d * n1_ab[ab] / tot
            for c in range(V):
                n = c3.get(base + c, 0)
                probs[base + c] = max(n - d, 0) / tot + lam * row[c]
    return probs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "src", "clean", "textmodel.bin"))
    ap.add_argument("--out5", default=os.path.join(ROOT, "src", "clean", "textmodel5.bin"))
    ap.add_argument("--out-bwd", default=os.path.join(ROOT, "src", "clean", "textmodel_bwd.bin"))
    ap.add_argument("--locale-dir", default="/usr/share/locale")
    ap.add_argument("--rs-mb", type=float, default=6.0)
    ap.add_argument("--md-mb", type=float, default=2.5)
    ap.add_argument("--per-crate-kb", type=float, default=250)
    ap.add_argument("--extra", nargs="*", default=[], help="plain text files; globs are expanded")
    ap.add_argument("--extra-weight", type=int, default=10, help="count each --extra line this many times")
    ap.add_argument("--shared", help="the shared development folder: train on the tuning half of its noise corpora")
    args = ap.parse_args()

    rs, md, crates = cargo_lines(int(args.rs_mb * 1e6), int(args.md_mb * 1e6), int(args.per_crate_kb * 1e3))
    # coreutils' catalog translates --help texts whose English originals are common in forum
    # posts; leaving it out keeps those texts unseen.
    zh, cats = catalog_lines(args.locale_dir, skip={"coreutils"})
    extra = []
    patterns = list(args.extra)
    if args.shared:
        patterns.append(os.path.join(args.shared, "noise-corpus", "posts", "*", "clean.txt"))
        for p in sorted(glob.glob(os.path.join(args.shared, "noise-corpus-2", "posts", "*", "clean.txt"))):
            if int(os.path.basename(os.path.dirname(p)).lstrip("de")) % 2 == 1:
                patterns.append(p)
    for pattern in patterns:
        for p in sorted(glob.glob(pattern)) or [pattern]:
            extra.extend(open(p, encoding="utf-8").read().split("\n"))
    if not rs or not zh:
        sys.exit("train.py: no training text found (run `cargo fetch`; are zh_CN catalogs in /usr/share/locale?)")

    c3, c4, c5 = defaultdict(int), defaultdict(int), defaultdict(int)
    for name, lines, w in (("rust", rs, 1), ("markdown", md, 1), ("zh catalogs", zh, 1), ("extra", extra, args.extra_weight)):
        count(lines, c3, c4, c5, w)
        print(f"{name}: {len(lines)} lines, {sum(len(l) for l in lines)} chars (x{w})", file=sys.stderr)
    probs = kneser_ney(c3)
    e4, b4, e5, b5 = higher_orders(c4, c5, probs)
    high = write_higher(args.out5, e4, b4, e5, b5)
    # The backward model: what precedes a string (a word split by junk, `arn` of `yarn`, is
    # rarely preceded by a line start). Trigram, 4-grams and 5-grams in one file.
    b3, b4c, b5c = defaultdict(int), defaultdict(int), defaultdict(int)
    for name, lines, w in (("rust", rs, 1), ("markdown", md, 1), ("zh catalogs", zh, 1), ("extra", extra, args.extra_weight)):
        count(lines, b3, b4c, b5c, w, backward=True)
    bprobs = kneser_ney(b3)
    be4, bb4, be5, bb5 = higher_orders(b4c, b5c, bprobs, keep4=3, keep5=5)
    bq = bytes(min(255, max(0, round(-math.log2(p) * 8))) for p in bprobs)
    tmp = args.out_bwd + ".high"
    bhigh = write_higher(tmp, be4, bb4, be5, bb5)
    os.remove(tmp)
    with open(args.out_bwd, "wb") as f:
        f.write(b"UNJAMTMB" + struct.pack("<HHI", ALPHABET_VERSION, V, len(bq)) + bq + bhigh)
    print(f"wrote {args.out_bwd}: {16 + len(bq) + len(bhigh)} bytes; {len(be4)} 4-grams, {len(be5)} 5-grams",
          file=sys.stderr)
    print(f"wrote {args.out5}: {len(high)} bytes, sha256 {hashlib.sha256(high).hexdigest()[:16]}; "
          f"{len(e4)} 4-grams, {len(b4)} 3-symbol contexts, {len(e5)} 5-grams, {len(b5)} 4-symbol contexts",
          file=sys.stderr)
    q = bytearray(V * V * V)
    for i, p in enumerate(probs):
        q[i] = min(255, max(0, round(-math.log2(p) * 8)))
    header = b"UNJAMTM1" + struct.pack("<HHH", ALPHABET_VERSION, V, 3)
    with open(args.out, "wb") as f:
        f.write(header)
        f.write(bytes(q))
    digest = hashlib.sha256(header + bytes(q)).hexdigest()[:16]
    print(f"wrote {args.out}: {len(header) + len(q)} bytes, sha256 {digest}; {len(crates)} crates, {len(cats)} catalogs",
          file=sys.stderr)


if __name__ == "__main__":
    main()
