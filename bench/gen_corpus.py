#!/usr/bin/env python3
"""Generate a jammed, mostly-Chinese text corpus for the `unjam clean` benchmark.

Text is sampled from the clean texts in fixtures/: with `--style lines`, whole lines of them
(highly repetitive: the stress case for the SEO analysis); with `--style random` (default),
sentences drawn character by character from their character frequencies, with their ASCII
words mixed in, so that lines do not repeat (like a real corpus). A Discuz! X jammer string (5..15 triples, the PHP generator's distribution) is put at
the end of a line (font form) or the start of the next (span form) at every line break of a
"post", and posts are separated by blank lines. Deterministic for a given --seed.

Usage: bench/gen_corpus.py OUT --mb 200 [--jammed 1.0] [--seed 1] [--style random|lines]
  --jammed  fraction of posts that carry junk (1.0: every post, the worst case for speed)
"""
import argparse
import glob
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


def junk(rng):
    out = []
    i = 0
    while i < rng.randint(5, 15):  # the bound is redrawn on every test, as in PHP
        out.append(chr(rng.randint(32, 59)) + " " + chr(rng.randint(63, 126)))
        i += 1
    return "".join(out)


def random_lines(lines, rng):
    """An endless supply of non-repeating lines with the fixtures' character statistics."""
    text = "\n".join(lines)
    words = [w for w in __import__("re").findall(r"[A-Za-z][A-Za-z0-9.+-]{1,15}|[0-9]{1,4}", text)]
    cjk = [c for c in text if ord(c) > 0x2E80 and c not in "，。、；：？！“”（）《》"]
    punct = list("，，，，。。、；：？！")
    while True:
        chars = rng.choices(cjk, k=4096)
        pos = 0
        while pos < len(chars) - 200:
            n = rng.randint(10, 120)
            out = []
            for c in chars[pos:pos + n]:
                out.append(c)
                r = rng.random()
                if r < 0.06:
                    out.append(rng.choice(punct))
                elif r < 0.075:
                    out.append(rng.choice(words))
            pos += n
            yield "".join(out) + "。"


def load_lines():
    lines = []
    for path in sorted(glob.glob(os.path.join(HERE, "..", "fixtures", "clean", "*.clean.txt"))):
        with open(path, encoding="utf-8") as f:
            lines.extend(l for l in f.read().split("\n") if l.strip())
    if not lines:
        raise SystemExit("gen_corpus: no fixtures/clean/*.clean.txt found")
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--mb", type=float, default=200)
    ap.add_argument("--jammed", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--style", choices=["random", "lines"], default="random")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    lines = load_lines()
    supply = random_lines(lines, rng) if args.style == "random" else None
    target = int(args.mb * 1_000_000)
    written = 0
    with open(args.out, "w", encoding="utf-8") as f:
        while written < target:
            n = rng.randint(3, 30)
            post = [next(supply) if supply else rng.choice(lines) for _ in range(n)]
            if rng.random() < args.jammed:
                for k in range(n - 1):
                    if rng.random() < 0.5:
                        post[k] = post[k] + junk(rng)
                    else:
                        post[k + 1] = junk(rng) + post[k + 1]
            text = "\n".join(post) + "\n\n"
            f.write(text)
            written += len(text.encode("utf-8"))


if __name__ == "__main__":
    main()
