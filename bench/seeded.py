"""Shared pieces of the Python benchmarks that seed the store directly
(many_users_bench.py, reminders_bench.py): seeding through the store's own
code (bench/seed.cpp, `actodo_seed`), access tokens signed like the
server's, and readings of the server process."""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import time
import urllib.request


def seeder_path(server):
    """`actodo_seed` of the build the server binary belongs to
    (build/<preset>/actodo -> build/<preset>/bench/actodo_seed)."""
    return os.path.join(os.path.dirname(os.path.abspath(server)), "bench",
                        "actodo_seed")


def seed_todos(seeder, data_dir, rows):
    """Writes `rows` of (user, todo id, wake_at ms or -1, document) into
    `data_dir` with `actodo_seed`, i.e. through the store's migrations and
    commit (a user's rows come together). Returns when they are committed."""
    proc = subprocess.Popen([seeder, f"--data-dir={data_dir}"],
                            stdin=subprocess.PIPE, text=True)
    try:
        for user, tid, wake_at, doc in rows:
            proc.stdin.write(f"{user}\t{tid}\t{wake_at}\t"
                             f"{json.dumps(doc)}\n")
    finally:
        try:
            proc.stdin.close()
        finally:
            code = proc.wait()
    if code != 0:
        raise SystemExit(f"{seeder} failed with exit code {code}")


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def access_token(secret, user, ttl=3600):
    """An HS256 JWT as the server issues them (`sub`, `iat`, `exp`, `jti`)."""
    now = int(time.time())
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps({"sub": user, "iat": now, "exp": now + ttl,
                            "jti": user}).encode())
    sig = hmac.new(secret.encode(), f"{head}.{body}".encode(),
                   hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(sig)}"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def metrics(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics") as r:
        return r.read().decode().splitlines()


def metric(port, name, labels=None):
    """The value of sample `name{labels}` at /metrics, or None."""
    key = name + (("{" + labels + "}") if labels else "")
    for line in metrics(port):
        if line.startswith(key + " "):
            return float(line.split()[-1])
    return None


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
