"""Shared pieces of the Python benchmarks that seed the store directly
(many_users_bench.py, reminders_bench.py): the tables they write, access
tokens signed like the server's, and readings of the server process."""

import base64
import hashlib
import hmac
import json
import time
import urllib.request

# The part of the store schema the seeders write (persistence/sqlite_store.cpp
# creates the rest, and indexes, on open).
SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
  user_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL,
  todo_id TEXT NOT NULL, json TEXT NOT NULL,
  PRIMARY KEY (user_id, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS todos (
  user_id TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL,
  wake_at INTEGER NOT NULL DEFAULT -1,
  PRIMARY KEY (user_id, id)) WITHOUT ROWID;
"""


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
