#!/usr/bin/env python3
"""Summarises ThreadSanitizer report files (TSAN_OPTIONS log_path=DIR/tsan):
how many reports, grouped by the first frame, and which of them have no
frame in CAF (those cannot be message passing through the uninstrumented
libcaf and are real candidates). Exit code 1 when any report exists."""

import collections
import glob
import os
import re
import sys


def reports(directory):
    for path in glob.glob(os.path.join(directory, "*")):
        with open(path, errors="replace") as f:
            for block in f.read().split("=================="):
                if "WARNING: ThreadSanitizer" in block:
                    yield block


def first_frame(block):
    m = re.search(r"#0 (.*?) (/\S+|\.\./\S+|\(\S+)", block)
    return m.group(1)[:120] if m else "?"


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "build/tsan/reports"
    found = list(reports(directory))
    by_frame = collections.Counter(first_frame(b) for b in found)
    outside_caf = [b for b in found if "caf" not in b]
    print(f"tsan: {len(found)} reports, {len(outside_caf)} without a CAF "
          f"frame")
    for frame, n in by_frame.most_common(20):
        print(f"  {n:5d}  {frame}")
    for block in outside_caf[:5]:
        print(block.strip()[:4000])
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
