"""Webhooks (issue #17): signed deliveries in order with retries, replay,
restart mid-backlog, the SSRF guard and endpoints that never answer; the
limits of an attempt (`DeliveryLimitsTest`): --webhooks.timeout,
--webhooks.keep-deliveries, redirects not followed, https verified
against the system CA store, the SSRF guard again at delivery time.

A `Receiver` is a real HTTP server on 127.0.0.1 in this process; the
server under test runs with --webhooks.allow-private (except where the
guard itself is tested) and short retry delays.
"""

import base64
import hashlib
import hmac
import http.server
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

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
    taking the parsed event and returning a status or (status, headers).
    Requests with other methods go to `others`, accepted TCP connections
    are counted in `connections`. With `tls` (an ssl.SSLContext) it speaks
    HTTPS; what fails on a connection (a refused handshake) goes to
    `errors`."""

    def __init__(self, port=0, mode="ok", tls=None):
        self.mode = mode
        self.tls = tls
        self.posts = []  # (headers dict, raw body, parsed body)
        self.others = []  # (method, path) of anything but POST
        self.connections = 0
        self.errors = []
        self.lock = threading.Lock()
        self.hanging = 0
        self.release = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 30

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                if isinstance(self.connection, ssl.SSLSocket):
                    self.connection.do_handshake()

            def _other(self):
                with receiver.lock:
                    receiver.others.append((self.command, self.path))
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_HEAD = do_PUT = do_PATCH = do_DELETE = _other

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
                extra = {}
                if isinstance(status, tuple):
                    status, extra = status
                # A failure answers 1,201 bytes: 600 two-byte characters
                # and an invalid byte (kept: the first 1,024 bytes as
                # valid UTF-8).
                body = (b'{"ok":true}' if status < 300
                        else "é".encode() * 600 + b"\xff")
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(http.server.ThreadingHTTPServer):
            allow_reuse_address = True
            daemon_threads = True

            def get_request(self):
                sock, addr = self.socket.accept()
                with receiver.lock:
                    receiver.connections += 1
                if receiver.tls is not None:
                    # The handshake runs in the handler's thread (setup).
                    sock = receiver.tls.wrap_socket(
                        sock, server_side=True, do_handshake_on_connect=False)
                return sock, addr

            def handle_error(self, request, client_address):
                with receiver.lock:
                    receiver.errors.append(repr(sys.exc_info()[1]))

        self.httpd = Server(("127.0.0.1", port), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)
        self.thread.start()

    @property
    def url(self):
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}/hook"

    def sequences(self):
        with self.lock:
            return [doc["sequence"] for _, _, doc in self.posts]

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class WebhookTestCase(ActodoTestCase):
    def receiver(self, port=0, mode="ok", tls=None):
        r = Receiver(port, mode, tls)
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


def self_signed_tls(test):
    """A server context with a fresh self-signed certificate for 127.0.0.1
    (made by the openssl CLI in a temporary directory) and the path of
    that certificate."""
    tmp = tempfile.mkdtemp(prefix="actodo-wh-tls-")
    test.addCleanup(shutil.rmtree, tmp, True)
    key, cert = os.path.join(tmp, "k.pem"), os.path.join(tmp, "c.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1", "-days", "1",
                    "-keyout", key, "-out", cert],
                   check=True, timeout=60, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx, cert


class DeliveryLimitsTest(WebhookTestCase):
    """Each limit of a delivery attempt: the timeout, the kept history,
    redirects, certificate verification and the SSRF guard at delivery."""

    def hook_cursor(self, srv, hook_id):
        r = srv.get(f"/api/v1/webhooks/{hook_id}")
        self.assertEqual(r.status, 200, r.body)
        return r.body["cursor"]

    def attempts_at_least(self, srv, hook_id, n, timeout=30.0):
        """Polls the delivery log until it holds n attempts; returns it
        (newest first)."""
        return self.wait_for(f"{n} recorded attempts", lambda: (
            lambda log: len(log) >= n and log)(
                self.deliveries(srv, hook_id)), timeout)

    def test_timeout_ends_an_attempt_that_gets_no_answer_and_it_is_retried(
            self):
        srv = self.server(extra_args=FAST_RETRY + ["--webhooks.timeout=1s"])
        rec = self.receiver(mode="hang")
        hook = self.register(srv, rec.url)
        self.assertEqual(hook["cursor"], 0)
        srv.create("never answered")
        log = self.attempts_at_least(srv, hook["id"], 2)
        # Newest first: the retry after the first timeout.
        self.assertEqual([(d["sequence"], d["attempt"]) for d in log[-2:]],
                         [(1, 2), (1, 1)], log)
        for d in log:
            self.assertEqual(d["webhook_id"], hook["id"], d)
            self.assertEqual(d["sequence"], 1, d)
            self.assertIsNone(d["status"], d)
            self.assertEqual(d["error"], "timeout after 1000 ms", d)
            self.assertGreaterEqual(d["latency_ms"], 900, d)
            self.assertLessEqual(d["latency_ms"], 5000, d)
        # Every attempt reached the receiver, which held it unanswered.
        with rec.lock:
            self.assertGreaterEqual(rec.hanging, 2)
            self.assertEqual(set(d["sequence"] for _, _, d in rec.posts), {1})
        self.assertEqual(self.hook_cursor(srv, hook["id"]), 0)
        # Answered again, the event is acknowledged.
        with rec.lock:
            rec.mode = "ok"
        self.wait_for("cursor 1",
                      lambda: self.hook_cursor(srv, hook["id"]) == 1)
        ok = [d for d in self.deliveries(srv, hook["id"]) if d["status"]]
        self.assertEqual([(d["status"], d["error"]) for d in ok],
                         [(200, None)], ok)

    def test_keep_deliveries_lists_only_the_latest(self):
        srv = self.server(extra_args=FAST_RETRY
                          + ["--webhooks.keep-deliveries=3"])
        failures = {}

        def flaky(doc):
            # Event 1 fails twice: 5 attempts for 3 events.
            if doc["sequence"] == 1 and failures.get(1, 0) < 2:
                failures[1] = failures.get(1, 0) + 1
                return 500
            return 200

        rec = self.receiver(mode=flaky)
        hook = self.register(srv, rec.url)
        for i in range(3):
            srv.create(f"k{i}")
        self.wait_for("3 acknowledged events",
                      lambda: self.hook_cursor(srv, hook["id"]) == 3)
        self.assertEqual(rec.sequences(), [1, 1, 1, 2, 3])
        log = self.deliveries(srv, hook["id"])
        self.assertEqual([(d["sequence"], d["attempt"], d["status"])
                          for d in log],
                         [(3, 1, 200), (2, 1, 200), (1, 3, 200)], log)
        self.assertEqual(
            metric_values(srv)["actodo_webhook_attempts_total"], 5)
        # Two more: still the latest three.
        srv.create("k3")
        srv.create("k4")
        self.wait_for("cursor 5",
                      lambda: self.hook_cursor(srv, hook["id"]) == 5)
        log = self.deliveries(srv, hook["id"])
        self.assertEqual([(d["sequence"], d["attempt"]) for d in log],
                         [(5, 1), (4, 1), (3, 1)], log)

    def test_redirect_is_not_followed(self):
        srv = self.server(extra_args=FAST_RETRY)
        target = self.receiver()
        redirector = self.receiver(
            mode=lambda doc: (302, {"Location": target.url}))
        hook = self.register(srv, redirector.url)
        srv.create("redirected")
        log = self.attempts_at_least(srv, hook["id"], 2)
        self.assertEqual([(d["sequence"], d["attempt"]) for d in log[-2:]],
                         [(1, 2), (1, 1)], log)
        for d in log:
            self.assertEqual(d["sequence"], 1, d)
            self.assertEqual(d["status"], 302, d)
            self.assertEqual(d["error"],
                             "HTTP 302 (redirects are not followed)", d)
            self.assertEqual(d["response"], "é" * 512, d)
        self.assertEqual(set(redirector.sequences()), {1})
        self.assertGreaterEqual(len(redirector.sequences()), 2)
        self.assertEqual(self.hook_cursor(srv, hook["id"]), 0)
        with target.lock:
            self.assertEqual(target.connections, 0)
            self.assertEqual(target.posts, [])
            self.assertEqual(target.others, [])

    def test_https_with_an_untrusted_certificate_is_refused(self):
        ctx, cert = self_signed_tls(self)
        rec = self.receiver(tls=ctx)
        # The receiver itself works for a client that trusts the
        # certificate, with the host checked.
        client = ssl.create_default_context(cafile=cert)
        req = urllib.request.Request(
            rec.url, data=b'{"sequence":0}', method="POST",
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=client, timeout=10) as r:
            self.assertEqual(r.status, 200)
        with rec.lock:
            self.assertEqual([d for _, _, d in rec.posts], [{"sequence": 0}])
            rec.posts.clear()
            rec.connections = 0
        srv = self.server(extra_args=FAST_RETRY)
        hook = self.register(srv, rec.url)
        self.assertTrue(hook["url"].startswith("https://127.0.0.1:"), hook)
        srv.create("over https")
        log = self.attempts_at_least(srv, hook["id"], 2)
        for d in log:
            self.assertEqual(d["sequence"], 1, d)
            self.assertIsNone(d["status"], d)
            # (OpenSSL's wording of the reason may vary across versions)
            self.assertTrue(d["error"].startswith(
                "TLS handshake with 127.0.0.1: "), d)
            self.assertIn("certificate verify failed", d["error"], d)
        # The server dialled and refused the handshake: nothing delivered.
        self.wait_for("the refused handshakes at the receiver",
                      lambda: len(rec.errors) >= 1)
        with rec.lock:
            self.assertGreaterEqual(rec.connections, 2)
            self.assertEqual(rec.posts, [])
            self.assertEqual(rec.others, [])
        self.assertEqual(self.hook_cursor(srv, hook["id"]), 0)

    def test_ssrf_guard_at_delivery_after_restart_without_allow_private(self):
        srv = self.server(extra_args=FAST_RETRY)
        rec = self.receiver()
        hook = self.register(srv, rec.url)
        srv.create("delivered while allowed")
        self.wait_for("the first", lambda: rec.sequences() == [1])
        self.wait_for("cursor 1",
                      lambda: self.hook_cursor(srv, hook["id"]) == 1)
        srv.extra_args = [a for a in srv.extra_args
                          if a != "--webhooks.allow-private"]
        self.assertNotIn("--webhooks.allow-private", srv.extra_args)
        srv.restart()
        with rec.lock:
            connections = rec.connections
        srv.create("refused at delivery")
        log = self.wait_for("2 refused attempts at event 2", lambda: (
            lambda xs: len(xs) >= 2 and xs)([
                d for d in self.deliveries(srv, hook["id"])
                if d["sequence"] == 2]), 30.0)
        self.assertEqual([d["attempt"] for d in log[-2:]], [2, 1], log)
        for d in log:
            self.assertIsNone(d["status"], d)
            self.assertEqual(
                d["error"], "127.0.0.1 resolves to 127.0.0.1, a loopback, "
                "private, link-local or multicast address", d)
        # Never dialled: the receiver got no connection and nothing else.
        self.assertEqual(rec.sequences(), [1])
        with rec.lock:
            self.assertEqual(rec.connections, connections)
            self.assertEqual(rec.others, [])
        body = srv.get(f"/api/v1/webhooks/{hook['id']}").body
        self.assertEqual(body["cursor"], 1, body)
        self.assertTrue(body["enabled"], body)


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
