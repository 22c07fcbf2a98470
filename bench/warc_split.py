#!/usr/bin/env python3
"""Split a WARC.gz (one gzip member per record) into N files at capture boundaries, for the Spark
part of bench/warc_bench.sh. Each part starts with a copy of the warcinfo record (as every Common
Crawl file has its own) and is cut only before a `request` record, so no capture is split. The
members are copied byte for byte (no recompression).

Usage: bench/warc_split.py IN.warc.gz N OUT_PREFIX   -> OUT_PREFIX-00000.warc.gz ... (paths on stdout)
"""
import mmap
import sys
import zlib


def members(buf):
    """Yield (start, end, first bytes of the record) for every gzip member of buf."""
    pos, n = 0, len(buf)
    while pos < n:
        d = zlib.decompressobj(31)
        head, i = b"", pos
        while not d.eof:
            if i >= n:
                raise SystemExit(f"warc_split: truncated gzip member at offset {pos}")
            chunk = buf[i:i + (1 << 16)]
            out = d.decompress(chunk)
            if len(head) < 200:
                head += out[:200 - len(head)]
            i += len(chunk)
        end = i - len(d.unused_data)
        yield pos, end, head
        pos = end


def main():
    src, n, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    paths, info, out, written, part = [], None, None, 0, 0
    with open(src, "rb") as f:
        buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        total = len(buf)
        for start, end, head in members(buf):
            if info is None and out is None and b"WARC-Type: warcinfo" in head:
                info = buf[start:end]
                continue
            boundary = b"WARC-Type: request" in head and part < n and written >= total * part / n
            if out is None or boundary:
                if out:
                    out.close()
                paths.append(f"{prefix}-{part:05d}.warc.gz")
                out = open(paths[-1], "wb")
                if info:
                    out.write(info)
                part += 1
            out.write(buf[start:end])
            written += end - start
    if out:
        out.close()
    print("\n".join(paths))


if __name__ == "__main__":
    main()
