"""Resuming a WebSocket subscription with ?after=N, across a restart."""

import unittest

from actodo_fixture import (ActodoTestCase, has_event, has_result, recv_json,
                            recv_until)


class ResumeTest(ActodoTestCase):

    def read_replay(self, ws, count):
        """After the welcome frame, exactly `count` event frames must come
        before anything else."""
        frames = [recv_json(ws) for _ in range(count)]
        for f in frames:
            self.assertEqual(f["type"], "event", frames)
        return [f["event"] for f in frames]

    def test_resume_after_restart_gets_exactly_the_missed_events(self):
        srv = self.server()
        first = [srv.create(f"before {i}") for i in range(3)]
        ws = srv.ws()
        welcome = recv_json(ws)
        self.assertWelcome(welcome, 3)
        s = welcome["sequence"]
        ws.close()

        # missed while disconnected, before the restart
        extra = srv.create("missed 1")
        srv.patch(first[0]["id"], {"title": "missed 2"})
        srv.patch(first[1]["id"], {"completed": True})
        srv.stop()
        srv.restart()
        # missed while disconnected, after the restart
        srv.create("missed 3")
        srv.delete(extra["id"])
        last = s + 5

        feed = srv.events(s)
        self.assertEqual([e["sequence"] for e in feed],
                         list(range(s + 1, last + 1)))

        ws = srv.ws(after=s)
        welcome = recv_json(ws)
        self.assertWelcome(welcome, last)
        replay = self.read_replay(ws, last - s)
        self.assertEqual([e["sequence"] for e in replay],
                         list(range(s + 1, last + 1)))
        self.assertEqual(replay, feed)
        self.assertEqual([e["type"] for e in replay],
                         ["todo.created", "todo.updated", "todo.completed",
                          "todo.created", "todo.deleted"])

        # then live: a new write arrives once, with the next sequence
        r = srv.request("POST", "/api/v1/todos", {"title": "live"})
        self.assertEqual(r.status, 202, r.body)
        rid = r.body["request_id"]
        frames = recv_until(ws, lambda fs: has_result(rid)(fs)
                            and has_event(lambda e: True)(fs))
        events = [f["event"] for f in frames if f["type"] == "event"]
        self.assertEqual([e["sequence"] for e in events], [last + 1], frames)
        self.assertEqual(events[0]["type"], "todo.created")
        self.assertEqual(events[0]["data"]["title"], "live")

    def test_after_zero_replays_everything_and_after_current_nothing(self):
        srv = self.server()
        for i in range(4):
            srv.create(f"t{i}")
        ws = srv.ws(after=0)
        self.assertWelcome(recv_json(ws), 4)
        replay = self.read_replay(ws, 4)
        self.assertEqual([e["sequence"] for e in replay], [1, 2, 3, 4])
        self.assertEqual([e["data"]["title"] for e in replay],
                         ["t0", "t1", "t2", "t3"])
        for e in replay:
            self.assertEvent(e, "todo.created")

        ws2 = srv.ws(after=4)
        self.assertWelcome(recv_json(ws2), 4)
        srv.create("next")
        # the first frames after welcome are live frames for "next" only
        frames = recv_until(ws2, has_event(lambda e: True))
        events = [f["event"] for f in frames if f["type"] == "event"]
        self.assertEqual([e["sequence"] for e in events], [5], frames)
        frames = recv_until(ws, has_event(lambda e: e["sequence"] == 5))
        events = [f["event"] for f in frames if f["type"] == "event"]
        self.assertEqual([e["sequence"] for e in events], [5], frames)

    def test_resume_in_the_middle(self):
        srv = self.server()
        for i in range(6):
            srv.create(f"t{i}")
        ws = srv.ws(after=4)
        self.assertWelcome(recv_json(ws), 6)
        replay = self.read_replay(ws, 2)
        self.assertEqual([e["sequence"] for e in replay], [5, 6])
        self.assertEqual([e["data"]["title"] for e in replay], ["t4", "t5"])


if __name__ == "__main__":
    unittest.main()
