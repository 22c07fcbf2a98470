#!/usr/bin/env python3
"""Time trafilatura.extract() over HTML pages, in process (the fairest case for it).

usage: trafilatura_time.py ROUNDS PAGE...
Prints one line: pages, bytes, best-of-ROUNDS seconds per round, and how many pages gave text.
"""
import sys
import time

import trafilatura

rounds = int(sys.argv[1])
pages = [open(p, "rb").read() for p in sys.argv[2:]]
# trafilatura decodes bytes itself (it sniffs the charset), as unjam does.
got = sum(1 for p in pages if trafilatura.extract(p))
best = float("inf")
for _ in range(rounds):
    t = time.perf_counter()
    for p in pages:
        trafilatura.extract(p)
    best = min(best, time.perf_counter() - t)
print(f"{len(pages)} {sum(map(len, pages))} {best:.6f} {got}")
