#!/usr/bin/env python3
"""Prints the median (and min..max) of each figure over bench/run_all.sh runs.

usage: bench/summarize.py [--max-other=CORES] OUT_DIR...

--max-other keeps only runs in which other processes took less than CORES
cores of CPU during the window (the machine is shared).
"""
import glob
import json
import os
import re
import statistics
import sys


def figures(report):
    lat = report["latency"]
    out = {
        "achieved_rate": report["achieved_rate"],
        "p50_ms": lat["p50"] / 1000,
        "p90_ms": lat["p90"] / 1000,
        "p99_ms": lat["p99"] / 1000,
        "p99.9_ms": lat["p99_9"] / 1000,
        "max_ms": lat["max"] / 1000,
        "server_cores": report["server"]["cpu_cores_window"],
        "bench_cores": report["bench"]["cpu_cores_window"],
        "other_cores": report.get("machine", {}).get(
            "other_processes_cores_window", 0),
        "server_hwm_mib": report["server"]["hwm_kib"] / 1024,
        "unsent": report["unsent"],
        "errors": report["error_count"],
    }
    for key, value in report["figures"].items():
        out[key] = value
    return out


def main():
    max_other = None
    dirs = []
    for arg in sys.argv[1:]:
        if arg.startswith("--max-other="):
            max_other = float(arg.split("=", 1)[1])
        else:
            dirs.append(arg)
    groups = {}
    for d in dirs:
        for path in sorted(glob.glob(os.path.join(d, "*.json"))):
            name = re.sub(r"-\d+\.json$", "", os.path.basename(path))
            with open(path) as f:
                report = json.load(f)
            other = report.get("machine", {}).get(
                "other_processes_cores_window", 99)
            if max_other is not None and other >= max_other:
                continue
            groups.setdefault(name, []).append(report)
    # The ceiling case (GET /healthz, run_all.sh) measured in the same runs:
    # throughputs are also given as a share of it (drifts less than
    # absolute figures on a shared machine).
    ceiling = None
    if "ceiling" in groups:
        ceiling = statistics.median(
            r["achieved_rate"] for r in groups["ceiling"])
    for name, reports in groups.items():
        ok = all(r["ok"] for r in reports)
        print(f"## {name} ({len(reports)} runs, {'ok' if ok else 'ERRORS'})")
        per_run = [figures(r) for r in reports]
        for key in per_run[0]:
            values = [f.get(key, 0) for f in per_run]
            print(f"  {key:24} median {statistics.median(values):12.3f}"
                  f"   [{min(values):.3f} .. {max(values):.3f}]")
        if ceiling and name != "ceiling":
            rate = statistics.median(r["achieved_rate"] for r in reports)
            print(f"  {'share_of_ceiling':24} median {rate / ceiling:12.3f}"
                  f"   (ceiling {ceiling:.0f}/s)")


if __name__ == "__main__":
    main()
