"""WebSocket fan-out and commands sent over the socket."""

import json
import unittest

from actodo_fixture import (ActodoTestCase, all_of, has_event,
                            has_result, recv_json, recv_until)


def frames_of(frames, type_):
    return [f for f in frames if f.get("type") == type_]


class WebSocketFanOutTest(ActodoTestCase):

    def setUp(self):
        self.srv = self.server()

    def open_pair(self):
        ws1 = self.srv.ws()
        ws2 = self.srv.ws()
        for ws in (ws1, ws2):
            welcome = recv_json(ws)
            self.assertWelcome(welcome, 0)
        return ws1, ws2

    def test_rest_post_fans_out_result_and_event_to_all_sockets(self):
        ws1, ws2 = self.open_pair()
        r = self.srv.request("POST", "/api/v1/todos", {"title": "fan out"})
        self.assertEqual(r.status, 202, r.body)
        rid = r.body["request_id"]
        created = lambda ev: ev["type"] == "todo.created"
        for ws in (ws1, ws2):
            frames = recv_until(ws, all_of(has_result(rid),
                                           has_event(created)))
            results = [f for f in frames_of(frames, "result")
                       if f["request_id"] == rid]
            self.assertEqual(len(results), 1, frames)
            self.assertEqual(results[0]["status"], 201)
            todo = results[0]["body"]
            self.assertTodo(todo, title="fan out", version=todo["version"])
            events = [f["event"] for f in frames_of(frames, "event")]
            self.assertEqual(len(events), 1, frames)
            ev = events[0]
            self.assertEvent(ev, "todo.created", todo["id"])
            self.assertEqual(ev["sequence"], 1)
            self.assertEqual(ev["data"]["title"], "fan out")
            self.assertEqual(ev["data"]["id"], todo["id"])
        # The same event is in the feed.
        feed = self.srv.events(0)
        self.assertEqual(len(feed), 1)
        self.assertEqual(feed[0]["id"], ev["id"])

    def test_rest_write_result_carries_its_idempotency_key(self):
        ws1, ws2 = self.open_pair()
        r = self.srv.request("POST", "/api/v1/todos", {"title": "keyed"},
                             {"Idempotency-Key": "ui-key-7"})
        self.assertEqual(r.status, 202, r.body)
        rid = r.body["request_id"]
        r = self.srv.request("POST", "/api/v1/todos", {"title": "unkeyed"})
        self.assertEqual(r.status, 202, r.body)
        plain = r.body["request_id"]
        ws1.send(json.dumps({"type": "command", "request_id": "frame-1",
                             "op": "create", "body": {"title": "framed"}}))
        for ws in (ws1, ws2):
            frames = recv_until(ws, all_of(has_result(rid), has_result(plain),
                                           has_result("frame-1")))
            by_id = {f["request_id"]: f for f in frames_of(frames, "result")}
            self.assertEqual(by_id[rid]["idempotency_key"], "ui-key-7")
            self.assertEqual(by_id[rid]["body"]["title"], "keyed")
            # no key, no field; a command frame's key is its request id
            self.assertNotIn("idempotency_key", by_id[plain])
            self.assertNotIn("idempotency_key", by_id["frame-1"])

    def test_every_change_kind_reaches_the_socket(self):
        ws1, ws2 = self.open_pair()
        todo = self.srv.create("kinds")
        tid = todo["id"]
        self.srv.patch(tid, {"title": "kinds 2"})
        self.srv.patch(tid, {"completed": True})
        self.srv.patch(tid, {"completed": False})
        self.srv.delete(tid)
        expected = ["todo.created", "todo.updated", "todo.completed",
                    "todo.reopened", "todo.deleted"]
        for ws in (ws1, ws2):
            frames = recv_until(
                ws, lambda fs: len(frames_of(fs, "event")) >= 5
                and len(frames_of(fs, "result")) >= 5)
            events = [f["event"] for f in frames_of(frames, "event")]
            self.assertEqual([e["type"] for e in events], expected)
            self.assertEqual([e["sequence"] for e in events], [1, 2, 3, 4, 5])
            for e in events:
                self.assertEvent(e, subject=tid)
            self.assertEqual(events[1]["data"]["title"], "kinds 2")
            self.assertTrue(events[2]["data"]["completed"])
            self.assertIsNotNone(events[2]["data"]["completed_at"])
            self.assertFalse(events[3]["data"]["completed"])
            self.assertIsNone(events[3]["data"]["completed_at"])
            self.assertEqual(events[4]["data"], {"id": tid})
            results = frames_of(frames, "result")
            self.assertEqual([f["status"] for f in results],
                             [201, 200, 200, 200, 204])
            self.assertIsNone(results[4]["body"])

    def test_command_over_socket_gets_result_with_client_request_id(self):
        ws1, ws2 = self.open_pair()
        ws1.send(json.dumps({"type": "command", "request_id": "client-1",
                             "op": "create",
                             "body": {"title": "via socket",
                                      "priority": "high"}}))
        created = lambda ev: ev["type"] == "todo.created"
        frames = recv_until(ws1, all_of(has_result("client-1"),
                                        has_event(created)))
        result = [f for f in frames_of(frames, "result")
                  if f["request_id"] == "client-1"][0]
        self.assertEqual(result["status"], 201)
        todo = result["body"]
        self.assertTodo(todo, title="via socket", priority="high")
        # The other socket sees the change too.
        frames2 = recv_until(ws2, has_event(created))
        ev = frames_of(frames2, "event")[0]["event"]
        self.assertEvent(ev, "todo.created", todo["id"])
        self.assertEqual(self.srv.get_todo(todo["id"])["title"], "via socket")

        # update with a matching if_match
        ws1.send(json.dumps({"type": "command", "request_id": "client-2",
                             "op": "update", "id": todo["id"],
                             "body": {"title": "renamed"},
                             "if_match": todo["version"]}))
        frames = recv_until(ws1, has_result("client-2"))
        result = [f for f in frames_of(frames, "result")
                  if f["request_id"] == "client-2"][0]
        self.assertEqual(result["status"], 200, result)
        self.assertEqual(result["body"]["title"], "renamed")
        self.assertEqual(result["body"]["version"], todo["version"] + 1)

        # stale if_match -> 412 result with a problem body, nothing changed
        ws1.send(json.dumps({"type": "command", "request_id": "client-3",
                             "op": "update", "id": todo["id"],
                             "body": {"title": "stale"},
                             "if_match": todo["version"]}))
        frames = recv_until(ws1, has_result("client-3"))
        result = [f for f in frames_of(frames, "result")
                  if f["request_id"] == "client-3"][0]
        self.assertEqual(result["status"], 412, result)
        self.assertProblemBody(result["body"], 412)
        self.assertEqual(self.srv.get_todo(todo["id"])["title"], "renamed")

        # update of a missing id -> 404 result
        ws1.send(json.dumps({"type": "command", "request_id": "client-4",
                             "op": "update", "id": "no-such-todo",
                             "body": {"title": "x"}}))
        frames = recv_until(ws1, has_result("client-4"))
        result = [f for f in frames_of(frames, "result")
                  if f["request_id"] == "client-4"][0]
        self.assertEqual(result["status"], 404, result)
        self.assertProblemBody(result["body"], 404)

        # delete -> 204 with null body
        ws1.send(json.dumps({"type": "command", "request_id": "client-5",
                             "op": "delete", "id": todo["id"]}))
        frames = recv_until(ws1, has_result("client-5"))
        result = [f for f in frames_of(frames, "result")
                  if f["request_id"] == "client-5"][0]
        self.assertEqual(result["status"], 204, result)
        self.assertIsNone(result["body"])
        self.assertEqual(self.srv.get(f"/api/v1/todos/{todo['id']}").status,
                         404)

    def test_command_without_request_id_gets_a_generated_one(self):
        ws1, _ = self.open_pair()
        ws1.send(json.dumps({"type": "command", "op": "create",
                             "body": {"title": "anonymous"}}))
        frames = recv_until(ws1, lambda fs: bool(frames_of(fs, "result")))
        result = frames_of(frames, "result")[0]
        self.assertIsInstance(result["request_id"], str)
        self.assertTrue(result["request_id"])
        self.assertEqual(result["status"], 201)
        req = self.srv.wait_request(result["request_id"])
        self.assertEqual(req["status"], 201)
        self.assertEqual(req["body"]["id"], result["body"]["id"])

    def test_invalid_frames_get_error_frames_and_socket_stays_usable(self):
        ws1, ws2 = self.open_pair()
        # Which frame is refused, naming which field, is unit-tested
        # (tests/web/command_frame_test.cpp); here: the session answers
        # each with an error frame and stays usable.
        cases = [
            ("not json at all {", None, None),
            (json.dumps({"type": "command", "request_id": "bad-op",
                         "op": "frobnicate", "body": {"title": "x"}}),
             "bad-op", "op"),
            (json.dumps({"type": "command", "request_id": "bad-title",
                         "op": "create", "body": {"title": 42}}),
             "bad-title", "body/title"),
        ]
        for text, rid, field in cases:
            with self.subTest(frame=text):
                ws1.send(text)
                frame = recv_json(ws1)
                self.assertEqual(frame["type"], "error", frame)
                self.assertEqual(frame["request_id"], rid, frame)
                self.assertEqual(frame["status"], 400, frame)
                self.assertProblemBody(frame["problem"], 400, field)
        # Socket still usable: a valid command works afterwards.
        ws1.send(json.dumps({"type": "command", "request_id": "good",
                             "op": "create", "body": {"title": "after errors"}}))
        frames = recv_until(ws1, has_result("good"))
        result = [f for f in frames_of(frames, "result")
                  if f["request_id"] == "good"][0]
        self.assertEqual(result["status"], 201)
        # Nothing but the valid command changed anything.
        items = self.srv.list_all()
        self.assertEqual([t["title"] for t in items], ["after errors"])
        events = self.srv.events(0)
        self.assertEqual([e["sequence"] for e in events], [1])
        # The other socket never saw error frames, only the good change.
        frames2 = recv_until(ws2, has_event(lambda e: True))
        self.assertEqual(frames_of(frames2, "error"), [])


if __name__ == "__main__":
    unittest.main()
