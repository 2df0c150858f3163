"""kill -9 while many users write at once (token mode, one list actor per
user, commands of many users in each journal commit): no acknowledged write
of any user is lost, and each user's sequence stays gap-free and in the
order their 202s came back."""

import collections
import http.client
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from actodo_fixture import SOCKET_TIMEOUT, ActodoTestCase, http_request

USERS = 40
WRITERS = 8
ACKS_BEFORE_KILL = 1500
MAX_RUN_BEFORE_KILL = 6.0
PASSWORD = "a many-users test password"


def login(port, name):
    body = {"username": name, "password": PASSWORD}
    r = http_request(port, "POST", "/api/v1/auth/register", body)
    if r.status != 201:
        raise AssertionError(f"register {name}: {r.status} {r.body}")
    r = http_request(port, "POST", "/api/v1/auth/login", body)
    if r.status != 200:
        raise AssertionError(f"login {name}: {r.status} {r.body}")
    return {"Authorization": f"Bearer {r.body['access_token']}",
            "Content-Type": "application/json"}


class Writer(threading.Thread):
    """Writes round-robin as its share of the users over one keep-alive
    connection; records what each user got a 202 for, in order."""

    def __init__(self, port, index, users, killing):
        super().__init__(daemon=True)
        self.port = port
        self.index = index
        self.users = users  # [(name, headers)]
        self.killing = killing
        self.acked = collections.defaultdict(list)  # user -> titles
        self.attempted = set()
        self.errors = []

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=SOCKET_TIMEOUT)
        try:
            for i in range(1000000):
                name, headers = self.users[i % len(self.users)]
                title = f"{name}-w{self.index}-{i:06d}"
                self.attempted.add(title)
                try:
                    conn.request("POST", "/api/v1/todos",
                                 json.dumps({"title": title}), headers)
                    resp = conn.getresponse()
                    resp.read()
                except (OSError, http.client.HTTPException) as e:
                    if not self.killing.is_set():
                        self.errors.append(f"{title}: {e!r}")
                    return
                if resp.status != 202:
                    self.errors.append(f"{title}: status {resp.status}")
                    return
                self.acked[name].append(title)
        finally:
            conn.close()


class ManyUsersCrashTest(ActodoTestCase):

    def test_kill9_under_many_users_loses_no_acknowledged_write(self):
        srv = self.server(extra_args=[
            "--auth=token", "--register-limit=0", "--rate-limit=0",
            "--ip-rate-limit=0"])
        names = [f"user{i:03d}" for i in range(USERS)]
        with ThreadPoolExecutor(8) as pool:
            headers = dict(zip(names, pool.map(
                lambda n: login(srv.port, n), names)))
        killing = threading.Event()
        writers = []
        for w in range(WRITERS):
            share = [(n, headers[n]) for n in names[w::WRITERS]]
            writers.append(Writer(srv.port, w, share, killing))
        for w in writers:
            w.start()
        deadline = time.monotonic() + MAX_RUN_BEFORE_KILL
        while (time.monotonic() < deadline
               and sum(len(t) for w in writers for t in w.acked.values())
               < ACKS_BEFORE_KILL
               and all(w.is_alive() for w in writers)):
            time.sleep(0.01)
        killing.set()
        srv.kill9()
        for w in writers:
            w.join(SOCKET_TIMEOUT + 5)
            self.assertFalse(w.is_alive(), "writer thread hung")
            self.assertEqual(w.errors, [], f"writer {w.index} before kill")
        acked = collections.defaultdict(list)
        for w in writers:
            for name, titles in w.acked.items():
                acked[name].extend(titles)
        total = sum(len(t) for t in acked.values())
        self.assertGreaterEqual(total, 200, "too few writes before the kill")
        self.assertGreaterEqual(len(acked), USERS // 2,
                                "too few users acknowledged before the kill")
        attempted = set().union(*(w.attempted for w in writers))

        srv.restart()
        for name in names:
            self.check_user(srv, headers[name], name, acked[name], attempted)

    def check_user(self, srv, headers, name, acked, attempted):
        auth = {"Authorization": headers["Authorization"]}
        items = []
        cursor = None
        while True:
            path = "/api/v1/todos?limit=500" + (
                f"&cursor={cursor}" if cursor else "")
            r = http_request(srv.port, "GET", path, headers=auth)
            self.assertEqual(r.status, 200, r.body)
            items += r.body["items"]
            cursor = r.body.get("next_cursor")
            if not cursor:
                break
        counts = collections.Counter(t["title"] for t in items)
        missing = [t for t in acked if counts[t] == 0]
        self.assertEqual(missing, [], f"{name}: acknowledged writes lost")
        self.assertEqual({t: n for t, n in counts.items() if n != 1}, {},
                         f"{name}: titles stored more than once")
        self.assertLessEqual(set(counts), attempted, f"{name}: unknown todos")
        self.assertTrue(all(t.startswith(name + "-") for t in counts),
                        f"{name} sees another user's todos")
        events = []
        while True:
            after = events[-1]["sequence"] if events else 0
            r = http_request(srv.port, "GET",
                             f"/api/v1/events?after={after}&limit=1000",
                             headers=auth)
            self.assertEqual(r.status, 200, r.body)
            if not r.body["items"]:
                break
            events += r.body["items"]
        seqs = [e["sequence"] for e in events]
        self.assertEqual(seqs, list(range(1, len(items) + 1)),
                         f"{name}: sequence not gap-free from 1")
        position = {e["data"]["title"]: i for i, e in enumerate(events)}
        by_writer = collections.defaultdict(list)
        for t in acked:
            by_writer[t.split("-")[1]].append(position[t])
        for w, positions in by_writer.items():
            self.assertEqual(positions, sorted(positions),
                             f"{name}/{w}: acknowledged order differs from "
                             "event order")
