#!/usr/bin/env python3
"""Kafka bridge benchmark: commands/s through ingress -> apply -> egress and
end-to-end latency (command record timestamp -> its event's record timestamp
on actodo.events; both CreateTime, ms, same machine).

Starts `actodo broker` and `actodo serve --kafka.brokers=...` (temporary data
dir, loopback), produces structured-mode CloudEvents with kcat (one process,
so each record gets its own id), waits for every event, prints a summary.

  bench/kafka_bench.py [--bin=build/release/actodo] [--commands=5000]
                       [--users=50] [--rate=0 (burst) | N per second]
                       [--sync=full|normal]
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def start(args, pattern):
    proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        m = re.search(pattern, line)
        if m:
            return proc, m.group(1)
    proc.kill()
    sys.exit(f"kafka_bench: {args[1]} did not start")


def read_topic(bs, topic):
    out = subprocess.run(["kcat", "-C", "-b", bs, "-t", topic, "-e", "-J",
                          "-q", "-o", "beginning"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    return [json.loads(x) for x in out.splitlines() if x.startswith("{")]


def headers(rec):
    raw = rec.get("headers") or []
    return {raw[i]: raw[i + 1] for i in range(0, len(raw) - 1, 2)}


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/release/actodo")
    ap.add_argument("--commands", type=int, default=5000)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--rate", type=float, default=0)
    ap.add_argument("--sync", default="full")
    opt = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="actodo-kbench-")
    broker, bs = start([opt.bin, "broker"], r"broker on (\S+)")
    server = None
    try:
        server, _ = start([opt.bin, "serve", "--port=0", "--admin-port=-1",
                           f"--data-dir={tmp}/data", f"--sync={opt.sync}",
                           f"--kafka.brokers={bs}"],
                          r"listening on (\S+)")
        # Warm-up: one command, wait for its event (group join ~3 s).
        warm = subprocess.Popen(
            ["kcat", "-P", "-b", bs, "-t", "actodo.commands", "-K", "\t",
             "-H", "content-type=application/cloudevents+json",
             "-X", "linger.ms=0"], stdin=subprocess.PIPE, text=True)
        doc = {"specversion": "1.0", "id": "warm", "source": "/bench",
               "type": "actodo.command.create", "data": {"title": "warm"}}
        warm.communicate(f"warm\t{json.dumps(doc)}\n")
        while not any(headers(r).get("ce_requestid") == "warm"
                      for r in read_topic(bs, "actodo.events")):
            time.sleep(0.2)
        kcat = subprocess.Popen(
            ["kcat", "-P", "-b", bs, "-t", "actodo.commands", "-K", "\t",
             "-H", "content-type=application/cloudevents+json",
             "-X", "linger.ms=1"], stdin=subprocess.PIPE, text=True)
        for i in range(opt.commands):
            doc = {"specversion": "1.0", "id": f"b-{i}", "source": "/bench",
                   "type": "actodo.command.create",
                   "data": {"title": f"bench {i}"}}
            kcat.stdin.write(f"u{i % opt.users}\t{json.dumps(doc)}\n")
            if opt.rate > 0:
                kcat.stdin.flush()
                time.sleep(1 / opt.rate)
        kcat.stdin.close()
        kcat.wait()
        deadline = time.monotonic() + 600
        while True:
            events = [r for r in read_topic(bs, "actodo.events")
                      if headers(r).get("ce_requestid", "").startswith("b-")]
            done = {headers(r)["ce_requestid"]: r["ts"] for r in events}
            if len(done) >= opt.commands or time.monotonic() > deadline:
                break
            time.sleep(1)
        sent = {json.loads(r["payload"])["id"]: r["ts"]
                for r in read_topic(bs, "actodo.commands")}
        lat = [done[k] - sent[k] for k in done if k in sent]
        first = min(sent[k] for k in done)
        last = max(done.values())
        secs = max(0.001, (last - first) / 1000)
        print(f"commands: {opt.commands} ({len(done)} events seen), "
              f"users: {opt.users}, rate: "
              f"{'burst' if opt.rate == 0 else opt.rate}/s, sync={opt.sync}")
        print(f"throughput: {len(done) / secs:.0f} commands/s "
              f"(first command -> last event: {secs:.2f} s)")
        print(f"latency ms: p50 {pct(lat, 50)}  p99 {pct(lat, 99)}  "
              f"max {max(lat)}")
    finally:
        for proc in (server, broker):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
