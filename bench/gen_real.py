#!/usr/bin/env python3
"""Real text with Discuz X junk at a third of the line breaks, for the speed benchmark of #11.

The dev noise corpora's clean texts (what a browser shows with the jammer off) are written out
again and again up to the size asked for; at each line break, with probability 1/3, a junk
string is drawn afresh as Discuz X's `jammer()` draws it (the loop bound re-drawn each pass,
`chr(mt_rand(32, 59)) . ' ' . chr(mt_rand(63, 126))`, a double space read as two NBSPs) and
glued to the end of the line before the break or to the start of the line after it (the font
and span forms). The texts are real, so the figures hold for text as it is, not for the long
synthetic lines of bench/gen_corpus.py that make regex baselines unusually slow.

Usage: bench/gen_real.py OUT --shared ../shared [--mb 100] [--seed 1]
"""
import argparse
import glob
import os
import random


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--mb", type=float, default=100)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    texts = []
    for corpus in ("noise-corpus", "noise-corpus-2"):
        for p in sorted(glob.glob(os.path.join(args.shared, corpus, "posts", "*", "clean.txt"))):
            with open(p, encoding="utf-8") as f:
                texts.append(f.read())
    if not texts:
        raise SystemExit(f"gen_real: no clean texts under {args.shared}/noise-corpus*/posts")

    def junk():
        out, i = [], 0
        while i < rng.randint(5, 15):
            out.append(chr(rng.randint(32, 59)) + " " + chr(rng.randint(63, 126)))
            i += 1
        return "".join(out).replace("  ", "\u00a0\u00a0")

    target, n = int(args.mb * 1e6), 0
    with open(args.out, "w", encoding="utf-8") as f:
        while n < target:
            for t in texts:
                lines = t.split("\n")
                for k in range(len(lines) - 1):
                    if rng.random() < 1 / 3:
                        if rng.random() < 0.5:
                            lines[k] += junk()
                        else:
                            lines[k + 1] = junk() + lines[k + 1]
                s = "\n".join(lines) + "\n"
                f.write(s)
                n += len(s.encode())
                if n >= target:
                    break


if __name__ == "__main__":
    main()
