#!/usr/bin/env python3
"""List labelled junk spans that `unjam clean --mark` does not fully mark (a debugging aid).

Usage: bench/missed_spans.py CORPUS UNJAM [--family F] [--variant V] [--extra]
--extra also lists marked text outside every labelled span (candidate real-text losses).
"""
import json, os, subprocess, sys

OPEN, CLOSE = "\u27e6", "\u27e7"

def marked_mask(binary, path):
    out = subprocess.run([binary, "clean", "--mark", "--keep-boilerplate", path] + os.environ.get("UNJAM_ARGS", "").split(), capture_output=True).stdout.decode()
    mask, text, inside = [], [], False
    for ch in out:
        if ch == OPEN: inside = True; continue
        if ch == CLOSE: inside = False; continue
        text.append(ch); mask.append(inside)
    return "".join(text), mask

def main():
    corpus, binary = sys.argv[1], sys.argv[2]
    fam = sys.argv[sys.argv.index("--family") + 1] if "--family" in sys.argv else None
    var = sys.argv[sys.argv.index("--variant") + 1] if "--variant" in sys.argv else None
    extra = "--extra" in sys.argv
    half = sys.argv[sys.argv.index("--half") + 1] if "--half" in sys.argv else None
    posts = os.path.join(corpus, "posts")
    for pid in sorted(os.listdir(posts)):
        if half and int(pid.lstrip("de")) % 2 != (1 if half == "odd" else 0):
            continue
        for v in ["innertext", "gettext", "seedlike"]:
            if var and v != var: continue
            p = os.path.join(posts, pid, f"{v}.noisy.txt")
            meta = json.load(open(os.path.join(posts, pid, f"{v}.spans.json")))
            if fam and meta["family"] != fam: continue
            noisy = open(p).read()
            text, mask = marked_mask(binary, p)
            if text != noisy:
                print(f"{pid} {v}: --mark output is not the input plus markers"); continue
            junk = [False] * len(noisy)
            for s in meta["spans"]:
                for i in range(s["start"], s["end"]): junk[i] = True
                miss = [i for i in range(s["start"], s["end"]) if not mask[i] and not noisy[i].isspace()]
                if miss:
                    a, b = s["start"], s["end"]
                    print(f"{pid} {v} MISS {len(miss)}/{b-a}: {noisy[max(0,a-15):a]!r} [{noisy[a:b]!r}] {noisy[b:b+15]!r}")
            if extra:
                i = 0
                while i < len(noisy):
                    if mask[i] and not junk[i]:
                        j = i
                        while j < len(noisy) and mask[j] and not junk[j]: j += 1
                        print(f"{pid} {v} EXTRA: {noisy[max(0,i-15):i]!r} [{noisy[i:j]!r}] {noisy[j:j+15]!r}")
                        i = j
                    else:
                        i += 1

main()
