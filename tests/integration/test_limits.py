"""Explicit limits: each is crossed and answered with its documented status,
and nothing is written."""

import json
import time
import socket
import struct
import unittest

import websocket

from actodo_fixture import (SOCKET_TIMEOUT, WAIT, ActodoTestCase, recv_json)
from hostile import close_frame

PASSWORD = "a long enough password"


class LocalLimitsTest(ActodoTestCase):
    def test_todos_per_user(self):
        srv = self.server(extra_args=["--max-todos=3"])
        for i in range(3):
            srv.create(f"t{i}")
        r = srv.request("POST", "/api/v1/todos", json.dumps({"title": "4th"}),
                        {"Content-Type": "application/json", "Prefer": WAIT})
        self.assertProblem(r, 409)
        r = srv.request("POST", "/api/v1/todos", json.dumps({"title": "4th"}),
                        {"Content-Type": "application/json"})
        self.assertEqual(r.status, 202)
        outcome = srv.wait_request(r.body["request_id"])
        self.assertEqual(outcome["status"], 409)
        self.assertEqual(len(srv.list_all()), 3)
        self.assertEqual(len(srv.events()), 3)

    def test_sessions_per_user(self):
        srv = self.server(extra_args=["--max-sessions=2"])
        first, second = srv.ws(), srv.ws()
        self.assertWelcome(recv_json(first), 0)
        self.assertWelcome(recv_json(second), 0)
        third = srv.ws()
        opcode, data = third.recv_data(control_frame=True)
        self.assertEqual(opcode, websocket.ABNF.OPCODE_CLOSE)
        self.assertEqual(struct.unpack("!H", data[:2])[0], 1008)
        # The others are unaffected.
        srv.create("still live")
        self.assertEqual(recv_json(first)["type"] in ("result", "event"), True)

    def test_header_size(self):
        srv = self.server()
        r = srv.request("GET", "/api/v1/todos", None, {"X-Big": "a" * 20000})
        self.assertProblem(r, 431)

    def test_websocket_message_size(self):
        srv = self.server()
        ws = srv.ws()
        self.assertWelcome(recv_json(ws), 0)
        ws.send(json.dumps({"type": "command", "op": "create",
                            "body": {"title": "x", "notes": "n" * 70000}}))
        # The server fails the connection at once.
        raw = close_frame(ws)
        self.assertEqual(raw[0], 0x88, raw)  # FIN + close
        self.assertEqual(struct.unpack("!H", raw[2:4])[0], 1009)
        self.assertEqual(srv.events(), [])


class ConnectionLimitsTest(ActodoTestCase):
    def test_slow_request_is_cut_off(self):
        srv = self.server(extra_args=["--read-timeout=1s"])
        sock = socket.create_connection(("127.0.0.1", srv.port),
                                        timeout=SOCKET_TIMEOUT)
        self.addCleanup(sock.close)
        sock.sendall(b"GET /api/v1/todos HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        start = time.monotonic()
        # The server closes the connection; the client never finished.
        self.assertEqual(sock.recv(4096), b"")
        self.assertLess(time.monotonic() - start, SOCKET_TIMEOUT)
        # An idle keep-alive connection is closed the same way.
        idle = socket.create_connection(("127.0.0.1", srv.port),
                                        timeout=SOCKET_TIMEOUT)
        self.addCleanup(idle.close)
        self.assertEqual(idle.recv(4096), b"")

    def test_long_url(self):
        srv = self.server()
        r = srv.request("GET", "/api/v1/todos?q=" + "a" * 20000)
        self.assertProblem(r, 431)

    def test_slow_websocket_reader_is_dropped_alone(self):
        srv = self.server(extra_args=["--ws-queue-limit=16"])
        slow = websocket.create_connection(
            f"ws://127.0.0.1:{srv.port}/api/v1/ws", timeout=SOCKET_TIMEOUT,
            sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
        self.addCleanup(slow.close)
        fast = srv.ws()
        self.assertWelcome(recv_json(fast), 0)
        notes = "n" * 9000
        writes = 600  # ~11 MB of frames for the slow socket: past any buffer
        for i in range(writes):
            r = srv.request("POST", "/api/v1/todos",
                            json.dumps({"title": f"t{i}", "notes": notes}),
                            {"Content-Type": "application/json"})
            self.assertEqual(r.status, 202)
            # The fast reader keeps up: it gets result and event of each.
            for _ in range(2):
                self.assertIn(recv_json(fast)["type"], ("result", "event"))
        # The slow reader finds, after what was already sent, a 1008 close.
        slow.settimeout(SOCKET_TIMEOUT)
        code = None
        for _ in range(2 * writes + 2):
            opcode, data = slow.recv_data(control_frame=True)
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                code = struct.unpack("!H", data[:2])[0]
                break
        self.assertEqual(code, 1008)
        self.assertEqual(len(srv.events()), writes)


class RateLimitTest(ActodoTestCase):
    def test_per_user_and_per_address(self):
        srv = self.server(extra_args=["--auth=token", "--rate-limit=5",
                                      "--ip-rate-limit=1000"])
        h = {"Content-Type": "application/json"}
        r = srv.request("POST", "/api/v1/auth/register",
                        json.dumps({"username": "erin",
                                    "password": PASSWORD}), h)
        self.assertEqual(r.status, 201)
        r = srv.request("POST", "/api/v1/auth/login",
                        json.dumps({"username": "erin",
                                    "password": PASSWORD}), h)
        auth = dict(h, Authorization="Bearer " + r.body["access_token"])
        # Cheap reads drain the user's bucket (burst 2 x 5)...
        statuses = []
        for _ in range(40):
            r = srv.request("GET", "/api/v1/todos", None, auth)
            statuses.append(r.status)
            if r.status == 429:
                break
        self.assertEqual(statuses[-1], 429, statuses)
        self.assertGreaterEqual(statuses.count(200), 9, statuses)
        self.assertGreaterEqual(int(r.headers["retry-after"]), 1)
        # ... then a write is refused and writes nothing.
        r = srv.request("POST", "/api/v1/todos", json.dumps({"title": "no"}),
                        dict(auth, Prefer=WAIT))
        self.assertProblem(r, 429)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            r = srv.request("GET", "/api/v1/events?after=0", None, auth)
            if r.status == 200:
                break
            time.sleep(0.3)
        self.assertEqual(r.body, {"items": []})

    def test_per_address_covers_login(self):
        srv = self.server(extra_args=["--auth=token", "--ip-rate-limit=5"])
        h = {"Content-Type": "application/json"}
        # Cheap refused logins drain the address's bucket (burst 10)...
        statuses = []
        for _ in range(40):
            r = srv.request("POST", "/api/v1/auth/login", "{}", h)
            statuses.append(r.status)
            if r.status == 429:
                break
        self.assertEqual(statuses[-1], 429, statuses)
        self.assertIn("retry-after", r.headers)
        # ... and then a real password guess is refused too.
        r = srv.request("POST", "/api/v1/auth/login",
                        json.dumps({"username": "nobody",
                                    "password": PASSWORD}), h)
        self.assertProblem(r, 429)


if __name__ == "__main__":
    unittest.main()
