"""The operator console: `actodo console --exec ... [--json]` against a
running node's inspector (CAF networking), and what it refuses."""

import json
import re
import signal
import subprocess
import time
import unittest

from actodo_fixture import ActodoTestCase, actodo_bin, recv_json

ADMIN_RE = re.compile(r"actodo: console endpoint on 127\.0\.0\.1:(\d+)")


class ConsoleTest(ActodoTestCase):
    def setUp(self):
        self.srv = self.server()
        # The console line follows the listening line.
        deadline = time.monotonic() + 10
        self.admin = None
        while self.admin is None and time.monotonic() < deadline:
            found = [ADMIN_RE.search(line) for line in self.srv.stdout_lines]
            found = [m.group(1) for m in found if m]
            self.admin = found[0] if found else None
            time.sleep(0.02)
        self.assertIsNotNone(self.admin, self.srv.stdout_lines)

    def console(self, command, *extra, target=None):
        res = subprocess.run(
            [actodo_bin(), "console", f"127.0.0.1:{target or self.admin}",
             f"--exec={command}", f"--data-dir={self.srv.data_dir}", *extra],
            capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
        return res.returncode, res.stdout.decode(), res.stderr.decode()

    def test_actors_user_and_journal_reflect_what_was_done(self):
        ids = [self.srv.create(f"c{i}")["id"] for i in range(3)]
        self.srv.patch(ids[0], {"completed": True})
        ws = self.srv.ws()
        self.assertWelcome(recv_json(ws), 4)
        code, out, err = self.console("user local", "--json")
        self.assertEqual(code, 0, err)
        user = json.loads(out)
        self.assertEqual(user["todos"], 3)
        self.assertEqual(user["open"], 2)
        self.assertEqual(user["last_sequence"], 4)
        self.assertEqual(user["committed_sequence"], 4)
        self.assertEqual(user["sessions"], 1)
        self.assertEqual(user["pending_commands"], 0)
        # The inspector samples message counters every second.
        time.sleep(2.5)
        code, out, err = self.console("actors", "--json")
        self.assertEqual(code, 0, err)
        doc = json.loads(out)
        actors = doc["actors"]
        self.assertEqual(actors["todo_list"], 1)
        self.assertEqual(actors["session"], 1)
        self.assertEqual(set(doc["mailbox_depth"]), set(actors))
        self.assertEqual(doc["mailbox_depth"]["todo_list"], 0)
        # 4 writes and a subscribe within the last seconds of the window.
        self.assertGreater(doc["messages_per_s"]["todo_list"], 0)
        self.assertGreater(doc["messages_per_s"]["journal"], 0)
        code, out, err = self.console("actors session", "--json")
        self.assertEqual(code, 0, err)
        one = json.loads(out)
        self.assertEqual(one["count"], 1)
        self.assertIn("messages_per_s", one)
        code, out, err = self.console("journal", "--json")
        self.assertEqual(code, 0, err)
        journal = json.loads(out)
        self.assertEqual(journal["commands"], 4)
        self.assertGreaterEqual(journal["commits"], 1)
        self.assertLessEqual(journal["commits"], 4)
        self.assertEqual(journal["failures"], 0)
        self.assertGreater(journal["mean_commit_ms"], 0)
        # Text mode and unknown commands.
        code, out, _ = self.console("user local")
        self.assertEqual(code, 0)
        self.assertIn("todos: 3", out)
        code, out, _ = self.console("frobnicate")
        self.assertEqual(code, 1)
        self.assertIn("unknown command", out)

    def test_reminders_and_pending_reminders_of_a_user(self):
        def at(t):
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        a = self.srv.create("first", reminders=[{"at": at(time.time() + 3600)}])
        b = self.srv.create("second",
                            reminders=[{"at": at(time.time() + 7200)}])
        code, out, err = self.console("reminders next 5", "--json")
        self.assertEqual(code, 0, err)
        nxt = json.loads(out)["next"]
        self.assertEqual([x["todo"] for x in nxt], [a["id"], b["id"]])
        code, out, err = self.console("user local", "--json")
        self.assertEqual(code, 0, err)
        pending = json.loads(out)["pending_reminders"]
        self.assertEqual([x["todo"] for x in pending], [a["id"], b["id"]])
        self.srv.create("soon", reminders=[{"at": at(time.time() + 0.5)}])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            code, out, err = self.console("reminders", "--json")
            summary = json.loads(out)
            if summary["fired"] == 1:
                break
            time.sleep(0.2)
        self.assertEqual(summary["fired"], 1, summary)
        self.assertEqual(summary["pending"], 2, summary)
        code, out, _ = self.console("reminders next 0")
        self.assertEqual(code, 1)

    def test_trace_tails_results_and_events_until_interrupted(self):
        proc = subprocess.Popen(
            [actodo_bin(), "console", f"127.0.0.1:{self.admin}",
             "--exec=trace user local", f"--data-dir={self.srv.data_dir}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        self.assertIn("tracing local", proc.stderr.readline().decode())
        todo = self.srv.create("traced")
        frames = [json.loads(proc.stdout.readline()) for _ in range(2)]
        kinds = sorted(f["type"] for f in frames)
        self.assertEqual(kinds, ["event", "result"])
        event = [f for f in frames if f["type"] == "event"][0]["event"]
        self.assertEqual(event["subject"], todo["id"])
        proc.send_signal(signal.SIGINT)
        self.assertEqual(proc.wait(timeout=10), 0)

    def test_wrong_token_and_non_admin_endpoints_are_refused(self):
        code, out, err = self.console("actors", "--admin-token=" + "x" * 40)
        self.assertEqual(code, 1)
        self.assertIn("wrong admin token", err)
        self.assertEqual(out, "")
        # The HTTP port is not an admin endpoint.
        code, out, err = self.console("actors", target=self.srv.port)
        self.assertEqual(code, 1)
        self.assertIn("no Actodo admin endpoint", err)

    def test_valued_options_take_the_next_argument_gnu_style(self):
        self.srv.create("gnu")
        code, joined, err = self.console("user local", "--json")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(joined)["todos"], 1)
        res = subprocess.run(
            [actodo_bin(), "console", f"127.0.0.1:{self.admin}",
             "--exec", "user local", "--data-dir", self.srv.data_dir,
             "--json"],
            capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
        self.assertEqual(res.returncode, 0, res)
        self.assertEqual(res.stdout.decode(), joined)
        # A valued option at the end without its value is refused.
        res = subprocess.run(
            [actodo_bin(), "console", f"127.0.0.1:{self.admin}",
             "--data-dir", self.srv.data_dir, "--exec"],
            capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
        self.assertEqual(res.returncode, 2, res)
        self.assertIn("--exec needs a value", res.stderr.decode())
        self.assertEqual(res.stdout, b"")


if __name__ == "__main__":
    unittest.main()
