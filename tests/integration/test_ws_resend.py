"""A command frame resent with the same client request id (say, after a lost
connection) is applied once; the sender gets the first outcome again."""

import json
import unittest

from actodo_fixture import ActodoTestCase, has_result, recv_json, recv_until


class ResendTest(ActodoTestCase):
    def test_resent_command_applies_once(self):
        srv = self.server()
        ws = srv.ws()
        self.assertWelcome(recv_json(ws), 0)
        frame = json.dumps({"type": "command", "request_id": "c-1",
                            "op": "create", "body": {"title": "once"}})
        ws.send(frame)
        first = [f for f in recv_until(ws, has_result("c-1"))
                 if f["type"] == "result"][0]
        self.assertEqual(first["status"], 201, first)
        # The connection drops; the client resends on a new socket.
        ws.close()
        ws = srv.ws()
        self.assertWelcome(recv_json(ws), 1)
        ws.send(frame)
        again = recv_json(ws)
        self.assertEqual(again["type"], "result", again)
        self.assertEqual(again["request_id"], "c-1")
        self.assertEqual(again["status"], 201)
        self.assertEqual(again["body"], first["body"])
        # Same request id, another command: refused, nothing applied.
        ws.send(json.dumps({"type": "command", "request_id": "c-1",
                            "op": "create", "body": {"title": "other"}}))
        refused = recv_json(ws)
        self.assertEqual(refused["type"], "error", refused)
        self.assertEqual(refused["status"], 422, refused)
        self.assertEqual([t["title"] for t in srv.list_all()], ["once"])
        self.assertEqual(len(srv.events()), 1)


if __name__ == "__main__":
    unittest.main()
