"""Accounts, tokens and per-user isolation (auth=token)."""

import json
import os
import stat
import struct
import time
import unittest

import websocket

from actodo_fixture import (SOCKET_TIMEOUT, WAIT, ActodoTestCase, has_result,
                            pg_dump,
                            http_request, recv_json, recv_until)

PASSWORD_A = "correct horse battery staple"
PASSWORD_B = "Tr0ub4dor&3-but-longer"


class TokenServer(ActodoTestCase):
    ttl = "15min"

    def setUp(self):
        self.srv = self.server(extra_args=["--auth=token",
                                           f"--access-ttl={self.ttl}"])

    def call(self, method, path, body=None, token=None, headers=None):
        h = {"Content-Type": "application/json"}
        if token:
            h["Authorization"] = f"Bearer {token}"
        h.update(headers or {})
        return self.srv.request(method, path,
                                None if body is None else json.dumps(body), h)

    def register_and_login(self, name, password):
        r = self.call("POST", "/api/v1/auth/register",
                      {"username": name, "password": password})
        self.assertEqual(r.status, 201, r.body)
        r = self.call("POST", "/api/v1/auth/login",
                      {"username": name, "password": password})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["token_type"], "Bearer")
        return r.body

    def ws(self, token, after=None):
        path = f"/api/v1/ws?access_token={token}"
        if after is not None:
            path += f"&after={after}"
        return websocket.create_connection(
            f"ws://127.0.0.1:{self.srv.port}{path}", timeout=SOCKET_TIMEOUT)


class AccountFlowTest(TokenServer):
    def test_register_login_refresh_logout(self):
        r = self.call("GET", "/api/v1/todos")
        self.assertProblem(r, 401, "Authorization")
        self.assertIn("Bearer", r.headers.get("www-authenticate", ""))
        tokens = self.register_and_login("Alice", PASSWORD_A)
        # Usernames are case-insensitive: taken.
        r = self.call("POST", "/api/v1/auth/register",
                      {"username": "alice", "password": PASSWORD_A})
        self.assertProblem(r, 409, "username")
        for body, field in [({"username": "a", "password": PASSWORD_A},
                             "username"),
                            ({"username": "bob", "password": "short"},
                             "password"),
                            ({"username": "bob"}, "password"),
                            ({"username": "bob", "password": PASSWORD_A,
                              "admin": True}, "admin")]:
            self.assertProblem(self.call("POST", "/api/v1/auth/register",
                                         body), 400, field)
        r = self.call("POST", "/api/v1/auth/login",
                      {"username": "alice", "password": "wrong password"})
        self.assertProblem(r, 401)
        r = self.call("POST", "/api/v1/auth/login",
                      {"username": "nobody", "password": "wrong password"})
        self.assertProblem(r, 401)
        me = self.call("GET", "/api/v1/me", token=tokens["access_token"])
        self.assertEqual(me.status, 200)
        self.assertEqual(me.body["username"], "alice")
        # A tampered token is refused.
        bad = tokens["access_token"][:-2] + "xx"
        self.assertProblem(self.call("GET", "/api/v1/me", token=bad), 401)
        # Refresh rotates: the old refresh token works once.
        r = self.call("POST", "/api/v1/auth/refresh",
                      {"refresh_token": tokens["refresh_token"]})
        self.assertEqual(r.status, 200, r.body)
        fresh = r.body
        self.assertNotEqual(fresh["refresh_token"], tokens["refresh_token"])
        # Presented again within the grace period (a lost answer): the same
        # new pair, not a logout (test_auth_limits covers the rest).
        r = self.call("POST", "/api/v1/auth/refresh",
                      {"refresh_token": tokens["refresh_token"]})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, fresh)
        self.assertEqual(self.call("GET", "/api/v1/me",
                                   token=fresh["access_token"]).status, 200)
        r = self.call("POST", "/api/v1/auth/logout",
                      {"refresh_token": fresh["refresh_token"]})
        self.assertEqual(r.status, 204)
        r = self.call("POST", "/api/v1/auth/refresh",
                      {"refresh_token": fresh["refresh_token"]})
        self.assertProblem(r, 401, "refresh_token")

    def test_secrets_stay_out_of_store_files_and_logs(self):
        tokens = self.register_and_login("carol", PASSWORD_A)
        secret_path = os.path.join(self.srv.data_dir, "jwt-secret")
        mode = stat.S_IMODE(os.stat(secret_path).st_mode)
        self.assertEqual(mode, 0o600)
        self.srv.stop()
        stored = b""
        # Every regular file, also in subdirectories (tls/); not sockets.
        for root, _, names in os.walk(self.srv.data_dir):
            for name in names:
                path = os.path.join(root, name)
                if stat.S_ISREG(os.lstat(path).st_mode):
                    with open(path, "rb") as f:
                        stored += f.read()
        # With --store=postgresql://, what the database holds.
        stored += pg_dump(self.srv.data_dir)
        self.assertNotIn(PASSWORD_A.encode(), stored)
        self.assertNotIn(tokens["refresh_token"].encode(), stored)
        self.assertIn(b"scrypt$", stored)
        log = self.srv.read_log() + "\n".join(self.srv.stdout_lines)
        for secret in (PASSWORD_A, tokens["refresh_token"],
                       tokens["access_token"]):
            self.assertNotIn(secret, log)


class IsolationTest(TokenServer):
    def test_two_users_cannot_reach_each_other(self):
        a = self.register_and_login("alice", PASSWORD_A)["access_token"]
        b = self.register_and_login("bob", PASSWORD_B)["access_token"]
        ws_b = self.ws(b)
        self.assertEqual(recv_json(ws_b)["type"], "welcome")
        created = self.call("POST", "/api/v1/todos", {"title": "alice's"},
                            token=a, headers={"Prefer": WAIT,
                                              "Idempotency-Key": "k1"})
        self.assertEqual(created.status, 201)
        tid = created.body["id"]
        req = self.call("POST", "/api/v1/todos", {"title": "async"}, token=a)
        self.assertEqual(req.status, 202)
        rid = req.body["request_id"]
        # REST: bob sees nothing of alice's, as if it did not exist.
        for method, path, body in [
                ("GET", f"/api/v1/todos/{tid}", None),
                ("PATCH", f"/api/v1/todos/{tid}", {"title": "mine"}),
                ("DELETE", f"/api/v1/todos/{tid}", None),
                ("GET", f"/api/v1/requests/{rid}", None),
                ("GET", f"/todos/{tid}", None),
                ("PATCH", f"/todos/{tid}", {"title": "mine"}),
                ("DELETE", f"/todos/{tid}", None)]:
            with self.subTest(method=method, path=path):
                r = self.call(method, path, body, token=b,
                              headers={"Prefer": WAIT})
                self.assertProblem(r, 404)
        self.assertEqual(self.call("GET", "/api/v1/todos", token=b).body,
                         {"items": [], "next_cursor": None})
        self.assertEqual(self.call("GET", "/api/v1/events?after=0",
                                   token=b).body, {"items": []})
        self.assertEqual(self.call("GET", "/todos", token=b).body, [])
        # The same idempotency key is bob's own.
        mine = self.call("POST", "/api/v1/todos", {"title": "bob's"},
                         token=b, headers={"Prefer": WAIT,
                                           "Idempotency-Key": "k1"})
        self.assertEqual(mine.status, 201)
        self.assertNotEqual(mine.body["id"], tid)
        # Socket: bob's command on alice's todo is a 404; bob got no frame
        # of alice's, only his own.
        ws_b.send(json.dumps({"type": "command", "request_id": "steal",
                              "op": "update", "id": tid,
                              "body": {"title": "mine"}}))
        frames = recv_until(ws_b, has_result("steal"))
        results = [f for f in frames if f["type"] == "result"]
        self.assertEqual([f["request_id"] for f in results][-1], "steal")
        self.assertEqual(results[-1]["status"], 404)
        for f in frames:
            # Bob's own failed attempts echo the id he sent; nothing of
            # alice's content, events or requests ever reaches him.
            self.assertNotIn("alice's", json.dumps(f))
            self.assertNotEqual(f.get("request_id"), rid)
            if f["type"] == "event":
                self.assertNotEqual(f["event"]["subject"], tid)
        ws_b.send(json.dumps({"type": "command", "request_id": "steal-2",
                              "op": "delete", "id": tid}))
        frames = recv_until(ws_b, has_result("steal-2"))
        self.assertEqual([f for f in frames if f["type"] == "result"][-1]
                         ["status"], 404)
        # The Authorization header works on the upgrade too; without a
        # token there is no socket.
        ws_h = websocket.create_connection(
            f"ws://127.0.0.1:{self.srv.port}/api/v1/ws?after=0",
            timeout=SOCKET_TIMEOUT, header=[f"Authorization: Bearer {b}"])
        self.assertEqual(recv_json(ws_h)["sequence"], 1)
        with self.assertRaises(websocket.WebSocketBadStatusException) as ctx:
            websocket.create_connection(
                f"ws://127.0.0.1:{self.srv.port}/api/v1/ws",
                timeout=SOCKET_TIMEOUT)
        self.assertEqual(ctx.exception.status_code, 401)
        # Bob's resume from 0 holds his one event only.
        ws = self.ws(b, after=0)
        self.assertEqual(recv_json(ws)["sequence"], 1)
        ev = recv_json(ws)
        self.assertEqual(ev["event"]["data"]["title"], "bob's")
        # Alice's own view is intact.
        got = self.call("GET", f"/api/v1/todos/{tid}", token=a)
        self.assertEqual(got.body["title"], "alice's")
        self.assertEqual(len(self.call("GET", "/api/v1/todos",
                                       token=a).body["items"]), 2)


class ExpiryTest(TokenServer):
    ttl = "2s"

    def test_expired_tokens_are_refused_and_close_the_socket(self):
        tokens = self.register_and_login("dave", PASSWORD_A)
        token = tokens["access_token"]
        self.assertEqual(self.call("GET", "/api/v1/me", token=token).status,
                         200)
        ws = self.ws(token)
        self.assertEqual(recv_json(ws)["type"], "welcome")
        ws.settimeout(10)
        opcode, data = ws.recv_data(control_frame=True)
        self.assertEqual(opcode, websocket.ABNF.OPCODE_CLOSE)
        self.assertEqual(struct.unpack("!H", data[:2])[0], 1008)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            r = self.call("GET", "/api/v1/me", token=token)
            if r.status == 401:
                break
            time.sleep(0.2)
        self.assertProblem(r, 401, "Authorization")
        self.assertIn("invalid_token", r.headers.get("www-authenticate", ""))


if __name__ == "__main__":
    unittest.main()
