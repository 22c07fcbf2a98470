#!/usr/bin/env python3
"""Print the per-run repetition limits used by `clean::grammar::looks_random`.

For a run of n junk units, c1 is uniform over 28 values and c2 over 64. The limit for n is the
smallest count t such that K * P(Binomial(n, 1/K) >= t) < 1e-4: a run where one value occurs t
times or more is then rejected as structured text, and random junk is rejected less than once in
ten thousand runs.
"""
from math import comb


def tail(n, p, t):
    return sum(comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(t, n + 1))


for K in (28, 64):
    limits = []
    for n in range(1, 33):
        t = 1
        while K * tail(n, 1 / K, t) >= 1e-4:
            t += 1
        limits.append(f"{n}:{t}")
    print(f"K={K}: " + " ".join(limits))

# Space alone (no union over values): used for the whitespace-led units.
limits = []
for n in range(1, 33):
    t = 1
    while tail(n, 1 / 28, t) >= 1e-4:
        t += 1
    limits.append(f"{n}:{t}")
print("space: " + " ".join(limits))
