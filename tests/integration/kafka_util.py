"""Kafka helpers for the integration tests: `Broker` runs `actodo broker`
(librdkafka's mock cluster), `produce` and `consume` drive kcat (Debian's
kafkacat), an independent Kafka client."""

import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time

from actodo_fixture import actodo_bin

BROKER_RE = re.compile(r"actodo: broker on (\S+)")


def have_kcat():
    return shutil.which("kcat") is not None


class Broker:
    """`actodo broker` on 127.0.0.1; stopped by PID."""

    def __init__(self, partitions=4):
        self.proc = subprocess.Popen(
            [actodo_bin(), "broker", f"--partitions={partitions}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL)
        box = []
        found = threading.Event()

        def drain():
            for raw in iter(self.proc.stdout.readline, b""):
                m = BROKER_RE.search(raw.decode("utf-8", "replace"))
                if m and not found.is_set():
                    box.append(m.group(1))
                    found.set()

        threading.Thread(target=drain, daemon=True).start()
        if not found.wait(30):
            self.close()
            raise AssertionError("actodo broker printed no address")
        self.bootstrap = box[0]

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def produce(bootstrap, topic, key, value, headers=()):
    """Produces one record with kcat; `headers` are (name, value) pairs."""
    args = ["kcat", "-P", "-b", bootstrap, "-t", topic, "-k", key]
    for name, val in headers:
        args += ["-H", f"{name}={val}"]
    data = value if isinstance(value, bytes) else value.encode("utf-8")
    subprocess.run(args, input=data, check=True, timeout=30,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def read_all(bootstrap, topic):
    """Every record of `topic` (all partitions, from the start) as dicts with
    `key`, `value`, `headers` (dict, last value wins), `partition`,
    `offset`."""
    out = subprocess.run(
        ["kcat", "-C", "-b", bootstrap, "-t", topic, "-e", "-J", "-q",
         "-o", "beginning"],
        check=False, timeout=60, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL).stdout.decode("utf-8", "replace")
    records = []
    for line in out.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        doc = json.loads(line)
        raw = doc.get("headers") or []
        headers = {}
        for i in range(0, len(raw) - 1, 2):
            headers[raw[i]] = raw[i + 1]
        records.append({"key": doc.get("key"), "value": doc.get("payload"),
                        "headers": headers,
                        "partition": doc.get("partition"),
                        "offset": doc.get("offset")})
    return records


def wait_records(bootstrap, topic, done, timeout=60.0):
    """Reads `topic` until `done(records)` holds; fails at the deadline."""
    deadline = time.monotonic() + timeout
    records = []
    while time.monotonic() < deadline:
        records = read_all(bootstrap, topic)
        if done(records):
            return records
        time.sleep(0.5)
    raise AssertionError(f"deadline passed waiting on {topic}; got "
                         f"{len(records)} records: {records[-5:]!r}")


def command_headers(ce_id, op, subject=None, extra=()):
    headers = [("ce_specversion", "1.0"), ("ce_id", ce_id),
               ("ce_source", "/test"), ("ce_type", f"actodo.command.{op}"),
               ("content-type", "application/json")]
    if subject:
        headers.append(("ce_subject", subject))
    return headers + list(extra)
