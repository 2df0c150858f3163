"""Webhooks (issue #17): signed deliveries in order with retries, replay,
restart mid-backlog, the SSRF guard and endpoints that never answer.

A `Receiver` is a real HTTP server on 127.0.0.1 in this process; the
server under test runs with --webhooks.allow-private (except where the
guard itself is tested) and short retry delays.
"""

import base64
import hashlib
import hmac
import http.server
import json
import socket
import threading
import time
import unittest

from actodo_fixture import ActodoTestCase

FAST_RETRY = ["--webhooks.allow-private", "--webhooks.retry-initial=200ms",
              "--webhooks.retry-max=1s"]


def verify(secret, headers, body):
    """Checks a Standard Webhooks signature; returns the message id."""
    assert secret.startswith("whsec_"), secret
    key = base64.b64decode(secret[len("whsec_"):])
    msg_id = headers["webhook-id"]
    ts = headers["webhook-timestamp"]
    signed = f"{msg_id}.{ts}.".encode() + body
    expected = base64.b64encode(
        hmac.new(key, signed, hashlib.sha256).digest()).decode()
    sigs = [s.split(",", 1)[1] for s in headers["webhook-signature"].split()
            if s.startswith("v1,")]
    if expected not in sigs:
        raise AssertionError(f"bad signature {headers['webhook-signature']!r}")
    return msg_id


def metric_values(srv):
    """The unlabelled samples of /metrics."""
    r = srv.get("/metrics")
    text = r.body if isinstance(r.body, str) else r.body.decode()
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#") and "{" not in line:
            name, value = line.split()[:2]
            out[name] = float(value)
    return out


class Receiver:
    """Records every POST; `mode` decides the answer: "ok" (200), "fail"
    (500), "hang" (never answers while the receiver runs) or a callable
    taking the parsed event and returning a status."""

    def __init__(self, port=0, mode="ok"):
        self.mode = mode
        self.posts = []  # (headers dict, raw body, parsed body)
        self.lock = threading.Lock()
        self.hanging = 0
        self.release = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(n)
                hdrs = {k.lower(): v for k, v in self.headers.items()}
                doc = json.loads(raw)
                with receiver.lock:
                    receiver.posts.append((hdrs, raw, doc))
                    mode = receiver.mode
                if mode == "hang":
                    with receiver.lock:
                        receiver.hanging += 1
                    receiver.release.wait(60)
                    return
                status = mode(doc) if callable(mode) else (
                    200 if mode == "ok" else 500)
                # A failure answers 1,201 bytes: 600 two-byte characters
                # and an invalid byte (kept: the first 1,024 bytes as
                # valid UTF-8).
                body = (b'{"ok":true}' if status < 300
                        else "é".encode() * 600 + b"\xff")
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(http.server.ThreadingHTTPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.httpd = Server(("127.0.0.1", port), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hook"

    def sequences(self):
        with self.lock:
            return [doc["sequence"] for _, _, doc in self.posts]

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class WebhookTestCase(ActodoTestCase):
    def receiver(self, port=0, mode="ok"):
        r = Receiver(port, mode)
        self.addCleanup(r.close)
        return r

    def register(self, srv, url, events=("todo.*",), **extra):
        r = srv.request("POST", "/api/v1/webhooks",
                        dict(extra, url=url, events=list(events)))
        self.assertEqual(r.status, 201, r.body)
        self.assertTrue(r.body["secret"].startswith("whsec_"), r.body)
        self.assertEqual(len(base64.b64decode(r.body["secret"][6:])), 32)
        return r.body

    def wait_for(self, what, predicate, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.05)
        self.fail(f"timed out waiting for {what}")

    def deliveries(self, srv, hook_id):
        r = srv.get(f"/api/v1/webhooks/{hook_id}/deliveries?limit=1000")
        self.assertEqual(r.status, 200, r.body)
        return r.body["items"]


class DeliveryTest(WebhookTestCase):
    def test_signed_in_order_with_retries_and_same_id(self):
        srv = self.server(extra_args=FAST_RETRY)
        before = srv.create("made before the webhook")
        self.assertTrue(before["id"])
        failures = {}

        def flaky(doc):
            # The second event fails twice, then goes through.
            if doc["sequence"] == 3 and failures.get(3, 0) < 2:
                failures[3] = failures.get(3, 0) + 1
                return 500
            return 200

        rec = self.receiver(mode=flaky)
        hook = self.register(srv, rec.url)
        self.assertEqual(hook["cursor"], 1)  # starts after the current event
        self.assertNotIn("secret", srv.get(f"/api/v1/webhooks/{hook['id']}")
                         .body)
        ids = [srv.create(f"t{i}")["id"] for i in range(4)]
        self.wait_for("4 acknowledged events",
                      lambda: sorted(set(rec.sequences())) == [2, 3, 4, 5])
        seqs = rec.sequences()
        self.assertEqual(seqs, [2, 3, 3, 3, 4, 5])  # in order, retried
        msg_ids = []
        for hdrs, raw, doc in rec.posts:
            msg_ids.append(verify(hook["secret"], hdrs, raw))
            self.assertEqual(hdrs["content-type"],
                             "application/cloudevents+json")
            self.assertEqual(doc["specversion"], "1.0")
            self.assertEqual(doc["type"], "todo.created")
            self.assertLess(abs(int(hdrs["webhook-timestamp"]) - time.time()),
                            300)
        self.assertEqual([d["subject"] for _, _, d in rec.posts
                          if d["sequence"] != 3] + [ids[1]],
                         [ids[0], ids[2], ids[3], ids[1]])
        # A retry keeps its webhook-id; other events have their own.
        self.assertEqual(msg_ids[1], msg_ids[2])
        self.assertEqual(msg_ids[2], msg_ids[3])
        self.assertEqual(len(set(msg_ids)), 4)
        log = self.wait_for("6 recorded attempts",
                            lambda: len(self.deliveries(srv, hook["id"])) == 6
                            and self.deliveries(srv, hook["id"]))
        failed = [d for d in log if d["status"] == 500]
        self.assertEqual([(d["sequence"], d["attempt"]) for d in
                          reversed(failed)], [(3, 1), (3, 2)])
        self.assertTrue(all(len(d["response"].encode()) <= 1024 for d in log))
        self.assertEqual(failed[0]["response"], "é" * 512)
        self.assertEqual(failed[0]["error"], "HTTP 500")
        ok = [d for d in log if d["status"] == 200]
        self.assertEqual(len(ok), 4)
        self.assertTrue(all(d["error"] is None for d in ok))
        # The cursor reached the last event.
        self.wait_for("cursor 5", lambda: srv.get(
            f"/api/v1/webhooks/{hook['id']}").body["cursor"] == 5)
        metrics = metric_values(srv)
        self.assertEqual(metrics["actodo_webhook_attempts_total"], 6)
        self.assertEqual(metrics["actodo_webhook_failures_total"], 2)
        self.assertEqual(metrics["actodo_webhooks_running"], 1)
        self.assertEqual(metrics["actodo_webhook_delivery_seconds_count"], 6)

    def test_receiver_down_then_back_gets_everything_in_order(self):
        srv = self.server(extra_args=FAST_RETRY)
        rec = self.receiver()
        port = rec.port
        hook = self.register(srv, rec.url)
        srv.create("a")
        self.wait_for("first event", lambda: rec.sequences() == [1])
        rec.close()
        for i in range(5):
            srv.create(f"down {i}")
        self.wait_for("failed attempts", lambda: any(
            d["status"] is None and d["error"]
            for d in self.deliveries(srv, hook["id"])))
        rec2 = self.receiver(port=port)
        self.wait_for("the backlog", lambda: rec2.sequences()[-1:] == [6])
        self.assertEqual(rec2.sequences(), [2, 3, 4, 5, 6])
        for hdrs, raw, _ in rec2.posts:
            verify(hook["secret"], hdrs, raw)

    def test_patterns_select_event_types(self):
        srv = self.server(extra_args=FAST_RETRY)
        rec = self.receiver()
        self.register(srv, rec.url, events=["todo.completed"])
        everything = self.receiver()
        self.register(srv, everything.url, events=["*"])
        t = srv.create("x")
        srv.patch(t["id"], {"completed": True})
        srv.patch(t["id"], {"title": "y"})
        srv.delete(t["id"])
        self.wait_for("all four", lambda: len(everything.posts) == 4)
        self.assertEqual([d["type"] for _, _, d in everything.posts],
                         ["todo.created", "todo.completed", "todo.updated",
                          "todo.deleted"])
        self.wait_for("the completion", lambda: rec.sequences() == [2])
        time.sleep(0.3)
        self.assertEqual(rec.sequences(), [2])

    def test_replay_from_a_sequence(self):
        srv = self.server(extra_args=FAST_RETRY)
        rec = self.receiver()
        hook = self.register(srv, rec.url)
        for i in range(5):
            srv.create(f"r{i}")
        self.wait_for("five", lambda: rec.sequences() == [1, 2, 3, 4, 5])
        r = srv.request("POST", f"/api/v1/webhooks/{hook['id']}/replay",
                        {"from_sequence": 3})
        self.assertEqual(r.status, 202, r.body)
        self.assertEqual(r.body["cursor"], 2)
        self.wait_for("the replay",
                      lambda: rec.sequences() == [1, 2, 3, 4, 5, 3, 4, 5])
        srv.create("after")
        self.wait_for("the next", lambda: rec.sequences()[-1] == 6)
        self.assertEqual(rec.sequences(), [1, 2, 3, 4, 5, 3, 4, 5, 6])
        bad = srv.request("POST", f"/api/v1/webhooks/{hook['id']}/replay",
                          {"from_sequence": 0})
        self.assertProblem(bad, 400, "from_sequence")
        bad = srv.request("POST", f"/api/v1/webhooks/{hook['id']}/replay",
                          {"from": 1})
        self.assertProblem(bad, 400, "from")
        # Past the end of the log (6 events): up to 7 replays nothing new,
        # 8 would skip event 7 when it comes.
        bad = srv.request("POST", f"/api/v1/webhooks/{hook['id']}/replay",
                          {"from_sequence": 8})
        self.assertProblem(bad, 400, "from_sequence")
        r = srv.request("POST", f"/api/v1/webhooks/{hook['id']}/replay",
                        {"from_sequence": 7})
        self.assertEqual(r.status, 202, r.body)
        self.assertEqual(r.body["cursor"], 6)
        srv.create("seventh")
        self.wait_for("the seventh", lambda: rec.sequences()[-1] == 7)
        self.assertEqual(rec.sequences(), [1, 2, 3, 4, 5, 3, 4, 5, 6, 7])

    def test_restart_mid_backlog_resumes(self):
        srv = self.server(extra_args=FAST_RETRY)
        rec = self.receiver(mode="fail")
        hook = self.register(srv, rec.url)
        srv.create("acked")
        rec.mode = "ok"
        self.wait_for("the first", lambda: 1 in rec.sequences())
        # Its cursor is stored (an acknowledgement not stored yet when the
        # process dies is delivered again: at least once).
        self.wait_for("cursor 1", lambda: srv.get(
            f"/api/v1/webhooks/{hook['id']}").body["cursor"] == 1)
        rec.mode = "fail"
        for i in range(4):
            srv.create(f"backlog {i}")
        self.wait_for("a failing attempt", lambda: 2 in rec.sequences())
        srv.kill9()
        with rec.lock:
            rec.posts.clear()
            rec.mode = "ok"
        srv.restart()
        self.wait_for("the backlog", lambda: rec.sequences()[-1:] == [5])
        self.assertEqual(rec.sequences(), [2, 3, 4, 5])
        self.wait_for("cursor 5", lambda: srv.get(
            f"/api/v1/webhooks/{hook['id']}").body["cursor"] == 5)

    def test_disabled_after_retry_for_with_an_event(self):
        srv = self.server(extra_args=FAST_RETRY + ["--webhooks.retry-for=2s"])
        rec = self.receiver(mode="fail")
        hook = self.register(srv, rec.url)
        srv.create("never acknowledged")
        body = self.wait_for("disabled", lambda: (lambda b: not b["enabled"]
                             and b)(srv.get(f"/api/v1/webhooks/{hook['id']}")
                                    .body))
        self.assertIn("event 1 failed", body["disabled_reason"])
        metrics = metric_values(srv)
        self.assertEqual(metrics["actodo_webhooks_disabled_total"], 1)
        self.assertEqual(metrics["actodo_webhooks_running"], 0)
        events = self.wait_for("the event", lambda: [
            e for e in srv.events() if e["type"] == "webhook.disabled"])
        self.assertEqual(events[0]["data"]["id"], hook["id"])
        self.assertEqual(events[0]["sequence"], 2)
        # Enabled again, it resumes at its cursor (the webhook.disabled
        # event does not match todo.*).
        with rec.lock:
            rec.posts.clear()
            rec.mode = "ok"
        r = srv.request("PATCH", f"/api/v1/webhooks/{hook['id']}",
                        {"enabled": True})
        self.assertEqual(r.status, 200, r.body)
        self.assertNotIn("disabled_reason", r.body)
        self.wait_for("delivered", lambda: rec.sequences() == [1])
        self.wait_for("cursor 2", lambda: srv.get(
            f"/api/v1/webhooks/{hook['id']}").body["cursor"] == 2)


class IsolationOfEndpointsTest(WebhookTestCase):
    def test_endpoint_that_never_answers_delays_no_other(self):
        srv = self.server(extra_args=FAST_RETRY)
        stuck = self.receiver(mode="hang")
        fine = self.receiver()
        self.register(srv, stuck.url)
        self.register(srv, fine.url)
        for i in range(10):
            srv.create(f"e{i}")
        self.wait_for("all ten at the good receiver",
                      lambda: fine.sequences() == list(range(1, 11)))
        # ... while the other one still holds its first request.
        with stuck.lock:
            self.assertEqual(stuck.hanging, 1)
            self.assertEqual([d["sequence"] for _, _, d in stuck.posts], [1])


class RegistrationTest(WebhookTestCase):
    def test_ssrf_guard_without_the_option(self):
        srv = self.server()
        for url in ["http://127.0.0.1:9/x", "http://localhost/x",
                    "http://2130706433/", "http://0x7f.1/", "http://127.1/",
                    "http://[2002:7f00:1::1]/",
                    "http://10.1.2.3/", "http://[::1]:8080/",
                    "http://169.254.169.254/latest/meta-data",
                    "http://192.168.0.1/", "http://224.0.0.1/",
                    "http://[fe80::1]/", "http://[::ffff:127.0.0.1]/"]:
            r = srv.request("POST", "/api/v1/webhooks",
                            {"url": url, "events": ["todo.*"]})
            self.assertProblem(r, 400, "url")
            self.assertIn("address", r.body["detail"], url)
        self.assertEqual(srv.get("/api/v1/webhooks").body["items"], [])

    def test_bad_bodies_name_the_field(self):
        srv = self.server(extra_args=["--webhooks.allow-private",
                                      "--webhooks.max-per-user=2"])
        cases = [
            ({"events": ["todo.*"]}, "url"),
            ({"url": "http://127.0.0.1:1/"}, "events"),
            ({"url": "ftp://127.0.0.1/", "events": ["todo.*"]}, "url"),
            ({"url": "http://user@127.0.0.1/", "events": ["*"]}, "url"),
            ({"url": 5, "events": ["*"]}, "url"),
            ({"url": "http://127.0.0.1:1/", "events": []}, "events"),
            ({"url": "http://127.0.0.1:1/", "events": ["Todo.*"]}, "events"),
            ({"url": "http://127.0.0.1:1/", "events": [1]}, "events"),
            ({"url": "http://127.0.0.1:1/", "events": ["*"], "x": 1}, "x"),
            ({"url": "http://127.0.0.1:1/", "events": ["*"],
              "description": "d" * 1001}, "description"),
        ]
        for body, field in cases:
            self.assertProblem(srv.request("POST", "/api/v1/webhooks", body),
                               400, field)
        self.assertProblem(srv.request("POST", "/api/v1/webhooks", "[1]"), 400)
        a = self.register(srv, "http://127.0.0.1:1/a", description="first")
        self.register(srv, "http://127.0.0.1:1/b")
        r = srv.request("POST", "/api/v1/webhooks",
                        {"url": "http://127.0.0.1:1/c", "events": ["*"]})
        self.assertProblem(r, 409, "webhooks")
        listed = srv.get("/api/v1/webhooks").body["items"]
        self.assertEqual([h["url"] for h in listed],
                         ["http://127.0.0.1:1/a", "http://127.0.0.1:1/b"])
        self.assertTrue(all("secret" not in h for h in listed))
        r = srv.request("PATCH", f"/api/v1/webhooks/{a['id']}",
                        {"events": ["todo.created", "todo.deleted"],
                         "description": "changed"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["events"], ["todo.created", "todo.deleted"])
        self.assertEqual(r.body["description"], "changed")
        self.assertProblem(srv.request("PATCH", f"/api/v1/webhooks/{a['id']}",
                                       {"url": "gopher://x/"}), 400, "url")
        self.assertProblem(srv.request("PATCH", f"/api/v1/webhooks/{a['id']}",
                                       {}), 400)
        r = srv.request("DELETE", f"/api/v1/webhooks/{a['id']}")
        self.assertEqual(r.status, 204, r.body)
        self.assertProblem(srv.get(f"/api/v1/webhooks/{a['id']}"), 404)
        self.assertProblem(srv.get(f"/api/v1/webhooks/{a['id']}/deliveries"),
                           404)
        self.assertEqual(len(srv.get("/api/v1/webhooks").body["items"]), 1)


if __name__ == "__main__":
    unittest.main()
