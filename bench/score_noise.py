#!/usr/bin/env python3
"""Score a jammer-noise filter on a labelled noise corpus (../shared/noise-corpus layout).

Follows the scoring method of the corpus README step by step, so the figures are comparable with
the evaluation scorer:

1. Truth T = noisy text N with the labelled spans removed (== X.clean.txt).
2. The filter output O is normalised: CRLF/CR -> LF, trailing Unicode whitespace stripped on every
   line, leading U+0020 spaces stripped, trailing newlines dropped.
3. Junk recall: O is aligned with N (lines first, using N's real characters to pair lines, then
   characters, with difflib). A junk character is removed when no output character is aligned to
   it. Whitespace at the two ends of a span is not counted.
4. Real text: O' = O minus the output characters aligned to junk. LAYOUT(T) and LAYOUT(O') are
   aligned; characters of T missing in O' are "lost", characters of O' not in T are
   "changed/added" (newlines counted apart).
5. Exact: O == T after step 2 (and a second count that also collapses blank-line runs).

Usage:
  bench/score_noise.py --corpus ../shared/noise-corpus --unjam target/release/unjam
  bench/score_noise.py --corpus ../shared/noise-corpus --filter baseline   # README's regex
  bench/score_noise.py ... --gate   # exit 1 when a figure falls below the corpus's pinned floors

The filter is run once per file (`unjam clean FILE`), so it sees one post at a time, as a user
cleaning a saved post would run it.
"""
import argparse
import difflib
import hashlib
import json
import os
import re
import subprocess
import tempfile
import glob
import sys
from collections import defaultdict

FAMILY_GROUP = {"X": "X", "D67": "D67", "D45": "D45/D23", "D23": "D45/D23"}
VARIANTS = ["innertext", "gettext", "seedlike"]


def is_ws(c):
    return c.isspace() or c in "\u00a0\u3000"


def normalise(text):
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for line in text.split("\n"):
        line = line.rstrip()  # str.rstrip strips all Unicode whitespace (NBSP, U+3000 too)
        line = line.lstrip(" ")
        lines.append(line)
    return "\n".join(lines).rstrip("\n")


def layout(text):
    text = normalise(text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n")


def sm(a, b):
    return difflib.SequenceMatcher(None, a, b, autojunk=False)


BASELINE_UNIT = r"(?:[\x21-\x3b] [\x3f-\x7e]|[ \xa0]{1,2}[\x3f-\x7e])"
BASELINE_END = re.compile(BASELINE_UNIT + r"{5,}[ \t\xa0]*$")
BASELINE_START = re.compile(r"^[ \t]*" + BASELINE_UNIT + r"{5,}")


def baseline_filter(text):
    out = []
    for line in text.split("\n"):
        line = BASELINE_END.sub("", line)
        line = BASELINE_START.sub("", line)
        out.append(line.rstrip(" "))
    return "\n".join(out)


def score_file(noisy, spans, output):
    """Return a dict of counts for one noisy file and the filter's output."""
    # Junk mask over N's characters.
    junk = [False] * len(noisy)
    counted = [False] * len(noisy)
    for s in spans:
        a, b = s["start"], s["end"]
        for i in range(a, b):
            junk[i] = True
        lo, hi = a, b
        while lo < hi and is_ws(noisy[lo]):
            lo += 1
        while hi > lo and is_ws(noisy[hi - 1]):
            hi -= 1
        for i in range(lo, hi):
            counted[i] = True
    truth = "".join(c for c, j in zip(noisy, junk) if not j)

    o = normalise(output)

    # Lines of N with their character offsets, and their real-only text for line pairing.
    n_lines, n_offsets = [], []
    pos = 0
    for line in noisy.split("\n"):
        n_lines.append(line)
        n_offsets.append(pos)
        pos += len(line) + 1
    n_real = []
    for line, off in zip(n_lines, n_offsets):
        real = "".join(c for k, c in enumerate(line) if not junk[off + k])
        n_real.append(normalise(real))
    o_lines = o.split("\n") if o else []
    o_offsets = []
    pos = 0
    for line in o_lines:
        o_offsets.append(pos)
        pos += len(line) + 1

    aligned_n = [False] * len(noisy)  # N char has an output char aligned to it
    o_is_junk = [False] * len(o)  # output char aligned to a junk char of N

    def align_block(n_lo, n_hi, o_lo, o_hi):
        if n_lo >= n_hi or o_lo >= o_hi:
            return
        n_start = n_offsets[n_lo]
        n_end = n_offsets[n_hi - 1] + len(n_lines[n_hi - 1])
        o_start = o_offsets[o_lo]
        o_end = o_offsets[o_hi - 1] + len(o_lines[o_hi - 1])
        a = noisy[n_start:n_end]
        b = o[o_start:o_end]
        for blk in sm(a, b).get_matching_blocks():
            for k in range(blk.size):
                ni = n_start + blk.a + k
                oi = o_start + blk.b + k
                aligned_n[ni] = True
                if junk[ni]:
                    o_is_junk[oi] = True

    # Lines equal to "noisy line minus junk" anchor the alignment; blank lines do not (a junk-only
    # line and an empty output line would otherwise pair up wherever they happen to fall). Every
    # stretch between two anchors is aligned character by character as one block.
    anchors = []
    for tag, i1, i2, j1, j2 in sm(n_real, o_lines).get_opcodes():
        if tag == "equal":
            anchors.extend((i1 + k, j1 + k) for k in range(i2 - i1) if n_real[i1 + k].strip())
    prev_n, prev_o = 0, 0
    for an, ao in anchors + [(len(n_lines), len(o_lines))]:
        align_block(prev_n, an, prev_o, ao)
        if an < len(n_lines):
            align_block(an, an + 1, ao, ao + 1)
        prev_n, prev_o = an + 1, ao + 1

    junk_total = sum(counted)
    junk_removed = sum(1 for i in range(len(noisy)) if counted[i] and not aligned_n[i])

    o_prime = "".join(c for c, j in zip(o, o_is_junk) if not j)
    lt, lo_ = layout(truth), layout(o_prime)
    matched = [False] * len(lt)
    matched_o = [False] * len(lo_)
    for blk in sm(lt, lo_).get_matching_blocks():
        for k in range(blk.size):
            matched[blk.a + k] = True
            matched_o[blk.b + k] = True
    lost = sum(1 for c, m in zip(lt, matched) if not m and c != "\n")
    added = sum(1 for c, m in zip(lo_, matched_o) if not m and c != "\n")
    nl_lost = sum(1 for c, m in zip(lt, matched) if not m and c == "\n")
    nl_added = sum(1 for c, m in zip(lo_, matched_o) if not m and c == "\n")
    real_total = sum(1 for c in lt if c != "\n")
    t_norm = normalise(truth)
    exact = o == t_norm
    exact_collapsed = re.sub(r"\n{2,}", "\n", o) == re.sub(r"\n{2,}", "\n", t_norm)
    return {
        "junk": junk_total,
        "removed": junk_removed,
        "real": real_total,
        "lost": lost,
        "added": added,
        "nl_lost": nl_lost,
        "nl_added": nl_added,
        "exact": int(exact),
        "exact_collapsed": int(exact_collapsed),
        "files": 1,
    }


EXTRA_ARGS = os.environ.get("UNJAM_ARGS", "").split()


def run_unjam(binary, path, seo_list=None):
    cmd = [binary, "clean", path] + (["--seo-list", seo_list] if seo_list else []) + EXTRA_ARGS
    p = subprocess.run(cmd, capture_output=True)
    if p.returncode not in (0,):
        sys.exit(f"score_noise: {binary} clean {path} exited {p.returncode}: {p.stderr.decode(errors='replace')}")
    return p.stdout.decode("utf-8", errors="surrogateescape")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--unjam", help="path to the unjam binary")
    ap.add_argument("--filter", choices=["unjam", "baseline", "cat"], default="unjam")
    ap.add_argument("--gate", action="store_true", help="exit 1 if a figure falls below its pinned floor")
    ap.add_argument("--show", type=int, default=0, help="print the N worst files (diffs)")
    ap.add_argument("--json", help="write the figures as JSON to this file")
    ap.add_argument("--family", help="score only posts of this family (X, D67, D45, D23)")
    ap.add_argument("--variant", choices=VARIANTS, help="score only this extraction variant")
    ap.add_argument("--half", choices=["odd", "even"],
                    help="score only posts whose number is odd (or even): one half to tune on, the other to report")
    ap.add_argument("--seo-corpus", action="store_true",
                    help="corpus mode: first `unjam clean --find-seo` over every noisy file of a variant "
                         "(all families: a real corpus is not sorted by family), then clean each file "
                         "with `--seo-list` of what was found")
    args = ap.parse_args()
    if args.filter == "unjam" and not args.unjam:
        ap.error("--unjam is required with --filter unjam")
    if args.seo_corpus and args.filter != "unjam":
        ap.error("--seo-corpus needs --filter unjam")

    posts_dir = os.path.join(args.corpus, "posts")
    seo_lists = {}
    if args.seo_corpus:
        tmp = tempfile.mkdtemp(prefix="score_noise.")
        for variant in VARIANTS:
            files = sorted(glob.glob(os.path.join(posts_dir, "*", f"{variant}.noisy.txt")))
            p = subprocess.run([args.unjam, "clean", "--find-seo"] + files, capture_output=True)
            if p.returncode != 0:
                sys.exit(f"score_noise: --find-seo exited {p.returncode}: {p.stderr.decode(errors='replace')}")
            seo_lists[variant] = os.path.join(tmp, f"{variant}.seo.txt")
            with open(seo_lists[variant], "wb") as f:
                f.write(p.stdout)
            print(f"{variant}: {len(p.stdout.splitlines())} SEO strings found over {len(files)} files")
        print()
    totals = defaultdict(lambda: defaultdict(int))
    worst = []
    for pid in sorted(os.listdir(posts_dir)):
        if args.half and int(pid.lstrip("de")) % 2 != (1 if args.half == "odd" else 0):
            continue
        for variant in VARIANTS:
            if args.variant and variant != args.variant:
                continue
            noisy_path = os.path.join(posts_dir, pid, f"{variant}.noisy.txt")
            if not os.path.exists(noisy_path):
                continue
            with open(noisy_path, encoding="utf-8") as f:
                noisy = f.read()
            with open(os.path.join(posts_dir, pid, f"{variant}.spans.json"), encoding="utf-8") as f:
                meta = json.load(f)
            if args.family and meta["family"] != args.family:
                continue
            if args.filter == "unjam":
                out = run_unjam(args.unjam, noisy_path, seo_lists.get(variant))
            elif args.filter == "baseline":
                out = baseline_filter(noisy)
            else:
                out = noisy
            r = score_file(noisy, meta["spans"], out)
            group = FAMILY_GROUP[meta["family"]]
            for key in (variant, f"{variant}/{group}", f"all/{group}", "all"):
                for k, v in r.items():
                    totals[key][k] += v
            bad = (r["junk"] - r["removed"]) + 10 * (r["lost"] + r["added"])
            if bad:
                worst.append((bad, pid, variant, r, noisy, out))

    def row(name, t):
        rec = t["removed"] / t["junk"] if t["junk"] else 1.0
        return (f"{name:<22} {t['files']:>5} {rec*100:>9.3f}% {t['junk']-t['removed']:>7} {t['lost']:>6} "
                f"{t['lost']/max(t['real'],1)*100:>8.4f}% {t['added']:>6} {t['nl_lost']:>5} {t['nl_added']:>5} "
                f"{t['exact']:>4}/{t['files']:<4} {t['exact_collapsed']:>4}")

    print(f"{'variant/family':<22} {'files':>5} {'junk recall':>10} {'missed':>7} {'lost':>6} {'lost %':>9} "
          f"{'added':>6} {'nl-':>5} {'nl+':>5} {'exact':>9} {'exact~':>5}")
    order = []
    for v in VARIANTS + ["all"]:
        order.append(v)
        for g in ["X", "D67", "D45/D23"]:
            order.append(f"{v}/{g}")
    for key in order:
        if key in totals:
            print(row(key, totals[key]))
    a = totals["all"]
    print(f"\ncounted junk chars {a['junk']}, real chars {a['real']}")

    if args.show:
        worst.sort(key=lambda w: -w[0])
        for bad, pid, variant, r, noisy, out in worst[: args.show]:
            print(f"\n=== {pid} {variant} missed={r['junk']-r['removed']} lost={r['lost']} added={r['added']}")
            truth_path = os.path.join(posts_dir, pid, f"{variant}.clean.txt")
            with open(truth_path, encoding="utf-8") as f:
                truth = f.read()
            for line in difflib.unified_diff(normalise(truth).split("\n"), normalise(out).split("\n"),
                                             "truth", "output", lineterm="", n=0):
                print(repr(line)[1:-1] if any(ord(c) < 32 and c != "\t" for c in line) else line)

    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "floors.json")) as f:
        floors = json.load(f)
    with open(os.path.join(args.corpus, "manifest.jsonl"), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    corpus_floors = next((c for c in floors["corpora"].values() if c["manifest_sha256_16"] == digest), None)
    if corpus_floors is None:
        print(f"\nnote: no pinned floors for corpus manifest {digest} (bench/floors.json); only targets are checked")
        if args.gate:
            print("gate: cannot gate a corpus without pinned floors", file=sys.stderr)
            sys.exit(2)
    if args.half:
        print(f"\nnote: --half {args.half} scores part of the corpus; floors are set on the whole, so the gate is off")

    def misses(level):
        out = []
        for v in VARIANTS:
            for g in ["X", "D67", "D45/D23"]:
                t = totals.get(f"{v}/{g}")
                if t and t["junk"]:
                    rec = t["removed"] / t["junk"]
                    if rec < level[g]:
                        out.append(f"{v}/{g}: junk recall {rec*100:.3f}% < {level[g]*100:.2f}%")
                if t and "lost_fraction_family" in level:
                    lf = t["lost"] / max(t["real"], 1)
                    if lf > level["lost_fraction_family"]:
                        out.append(f"{v}/{g}: real chars lost {t['lost']} = {lf*100:.4f}% > "
                                   f"{level['lost_fraction_family']*100:.3f}%")
        lost_frac = a["lost"] / max(a["real"], 1)
        if lost_frac > level["lost_fraction"]:
            out.append(f"real chars lost {a['lost']} = {lost_frac*100:.4f}% > {level['lost_fraction']*100:.2f}%")
        if a["added"] > level["added"]:
            out.append(f"real chars changed/added: {a['added']} > {level['added']}")
        return out

    if args.json:
        with open(args.json, "w") as f:
            json.dump({k: dict(v) for k, v in totals.items()}, f, indent=1, sort_keys=True)
    mode = "corpus" if args.seo_corpus else "per_file"
    target_missed = misses(floors["target"][mode])
    pinned_missed = misses(corpus_floors[mode]) if corpus_floors and not args.half else []
    if target_missed:
        print("\nissue targets not met (bench/floors.json \"target\"):\n  " + "\n  ".join(target_missed))
    else:
        print("\nall issue targets met")
    if pinned_missed:
        print("\nREGRESSION below pinned floors (bench/floors.json):\n  " + "\n  ".join(pinned_missed))
        if args.gate:
            sys.exit(1)
    elif args.gate and not args.half:
        print("gate: no figure below its pinned floor")


if __name__ == "__main__":
    main()
