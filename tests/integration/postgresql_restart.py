"""The PostgreSQL store going away under load: run only by the
`integration.postgresql` test (ACTODO_TEST_PG_DIR names the server that
tests/pg/pg_server.sh started; this module restarts it).

While the database restarts, commands are answered 503 with Retry-After
(never left to time out), nothing acknowledged is lost, the per-user
sequence stays gap-free, and the server recovers without a restart of its
own; /readyz says 503 while the store is unreachable."""

import http.client
import json
import subprocess
import threading
import time
import unittest

from actodo_fixture import PG_DIR, PG_SERVER, SOCKET_TIMEOUT, ActodoTestCase

WRITERS = 4


class Writer(threading.Thread):
    """Asynchronous creates (202 = durable) until stopped."""

    def __init__(self, port, index, stop):
        super().__init__(daemon=True)
        self.port, self.index, self.stop = port, index, stop
        self.acked = []
        self.unavailable = 0
        self.errors = []

    def run(self):
        conn = None
        for i in range(1000000):
            if self.stop.is_set():
                break
            title = f"pg{self.index}-{i:06d}"
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                  timeout=SOCKET_TIMEOUT)
            try:
                conn.request("POST", "/api/v1/todos",
                             json.dumps({"title": title}),
                             {"Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
            except (OSError, http.client.HTTPException) as e:
                self.errors.append(f"{title}: {e!r}")
                conn.close()
                conn = None
                continue
            if resp.status == 202:
                self.acked.append(title)
            elif resp.status == 503:
                self.unavailable += 1
                if not resp.getheader("Retry-After"):
                    self.errors.append(f"{title}: 503 without Retry-After")
                time.sleep(0.05)
            else:
                self.errors.append(f"{title}: HTTP {resp.status}")
        if conn is not None:
            conn.close()


class PostgresqlRestartTest(ActodoTestCase):

    def setUp(self):
        if not PG_DIR:
            self.fail("ACTODO_TEST_PG_DIR is not set: run through ctest "
                      "(integration.postgresql)")

    def restart_database(self):
        subprocess.run(["bash", PG_SERVER, "restart", PG_DIR], check=True,
                       capture_output=True, timeout=120)

    def test_database_restart_under_load_loses_no_acknowledged_write(self):
        srv = self.server()
        stop = threading.Event()
        writers = [Writer(srv.port, i, stop) for i in range(WRITERS)]
        for w in writers:
            w.start()
        time.sleep(1.0)
        before = sum(len(w.acked) for w in writers)
        self.assertGreater(before, 0, "no write succeeded before the restart")
        self.restart_database()
        # Writes succeed again without restarting actodo.
        deadline = time.monotonic() + 20
        after_restart = sum(len(w.acked) for w in writers)
        while time.monotonic() < deadline:
            time.sleep(0.2)
            if sum(len(w.acked) for w in writers) > after_restart + 50:
                break
        stop.set()
        for w in writers:
            w.join(30)
        self.assertGreater(sum(len(w.acked) for w in writers),
                           after_restart + 50,
                           "writes did not recover after the restart")
        for w in writers:
            self.assertEqual(w.errors, [], srv.read_log())
        # The outage was seen (and answered 503 + Retry-After).
        self.assertGreater(sum(w.unavailable for w in writers), 0)
        titles = {t["title"] for t in srv.list_all()}
        for w in writers:
            missing = [t for t in w.acked if t not in titles]
            self.assertEqual(missing, [], "acknowledged writes were lost")
        seqs = [ev["sequence"] for ev in srv.events()]
        self.assertEqual(seqs, list(range(1, len(seqs) + 1)),
                         "the event sequence has a gap")
        self.assertEqual(len(seqs), len(titles))
        self.assertTrue(srv.running())

    def test_readyz_says_whether_the_store_answers(self):
        srv = self.server()
        self.assertEqual(srv.get("/readyz").status, 200)
        subprocess.run(["bash", PG_SERVER, "halt", PG_DIR], check=True,
                       capture_output=True, timeout=120)
        try:
            r = srv.get("/readyz")
            self.assertEqual(r.status, 503)
            self.assertIn("retry-after", r.headers)
            r = srv.request("POST", "/api/v1/todos", {"title": "down"})
            self.assertEqual(r.status, 503)
            self.assertIn("retry-after", r.headers)
        finally:
            self.restart_database()
        deadline = time.monotonic() + 10
        while srv.get("/readyz").status != 200:
            self.assertLess(time.monotonic(), deadline,
                            "/readyz did not recover")
            time.sleep(0.2)
        r = srv.request("POST", "/api/v1/todos", {"title": "up"},
                        headers={"Prefer": "wait=10"})
        self.assertEqual(r.status, 201)


if __name__ == "__main__":
    unittest.main()
