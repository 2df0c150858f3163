"""Issue #12, "Also": private files in the data directory and event pages
bounded by bytes."""

import http.client
import json
import os
import stat
import tempfile

from actodo_fixture import SOCKET_TIMEOUT, ActodoTestCase
from hostile import MIB, assert_serves


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


class PrivateFilesTest(ActodoTestCase):

    def test_files_are_0600_in_an_existing_directory(self):
        data = tempfile.mkdtemp(prefix="actodo-perm-")
        self.addCleanup(lambda: __import__("shutil").rmtree(data, True))
        os.chmod(data, 0o755)
        # Left behind with lax modes (an older version, a copy, umask 022).
        for name in ("actodo.db", "actodo.db-wal", "actodo.db-shm"):
            open(os.path.join(data, name), "wb").close()
            os.chmod(os.path.join(data, name), 0o644)
        old = os.umask(0o022)
        try:
            srv = self.server(data_dir=data)
        finally:
            os.umask(old)
        srv.create("one")  # The WAL is written.
        names = sorted(os.listdir(data))
        for name in ("actodo.db", "actodo.db-wal", "jwt-secret",
                     "admin-token"):
            self.assertIn(name, names)
        for name in names:
            path = os.path.join(data, name)
            if os.path.isfile(path):
                with self.subTest(name=name):
                    self.assertEqual(mode_of(path) & 0o077, 0,
                                     f"{name}: {oct(mode_of(path))}")


class EventPageBytesTest(ActodoTestCase):

    def test_event_pages_hold_at_most_1_mib(self):
        srv = self.server()
        notes = "n" * 9000
        conn = http.client.HTTPConnection("127.0.0.1", srv.port,
                                          timeout=SOCKET_TIMEOUT)
        try:
            for i in range(300):
                conn.request("POST", "/api/v1/todos",
                             json.dumps({"title": f"e{i}", "notes": notes}),
                             {"Content-Type": "application/json",
                              "Prefer": "wait=10"})
                resp = conn.getresponse()
                resp.read()
                self.assertEqual(resp.status, 201)
        finally:
            conn.close()
        r = srv.get("/api/v1/events?after=0&limit=1000")
        self.assertEqual(r.status, 200)
        page = r.body["items"]
        size = len(json.dumps(page))
        self.assertLess(len(page), 300)
        self.assertGreater(len(page), 50)
        self.assertLess(size, MIB + 64 * 1024, size)
        # The feed continues after the short page: nothing is skipped.
        seqs = [e["sequence"] for e in srv.events(after=0, limit=1000)]
        self.assertEqual(seqs, list(range(1, 301)))
        assert_serves(self, srv)
