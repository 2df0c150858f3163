"""The Kafka bridge against `actodo broker` (librdkafka's mock cluster),
driven by kcat as an independent client. No timing assertions: generous
deadlines only (the mock cluster's first group join takes ~3 s)."""

import json
import unittest

from actodo_fixture import ActodoTestCase, has_result, recv_until
from kafka_util import (Broker, command_headers, have_kcat, produce, read_all,
                        wait_records)


def results_by_correlation(records):
    return {r["headers"].get("kafka_correlationId"): r for r in records}


class KafkaTest(ActodoTestCase):

    def setUp(self):
        # kcat is part of the set-up (.ci/setup): missing, it is a failure.
        self.assertTrue(have_kcat(), "kcat is not installed (run .ci/setup)")
        self.broker = Broker()
        self.addCleanup(self.broker.close)
        self.bs = self.broker.bootstrap

    def kafka_server(self, *extra):
        return self.server(extra_args=[f"--kafka.brokers={self.bs}",
                                       *extra])

    def test_commands_results_and_ordered_events(self):
        self.kafka_server()
        produce(self.bs, "actodo.commands", "alice",
                json.dumps({"title": "from kcat", "tags": ["k"]}),
                command_headers("cmd-1", "create",
                                extra=[("kafka_correlationId", "corr-1")]))
        results = wait_records(
            self.bs, "actodo.results",
            lambda rs: "corr-1" in results_by_correlation(rs))
        first = results_by_correlation(results)["corr-1"]
        self.assertEqual(first["key"], "alice")
        body = json.loads(first["value"])
        self.assertEqual(body["request_id"], "cmd-1")
        self.assertEqual(body["status"], 201)
        todo_id = body["body"]["id"]
        produce(self.bs, "actodo.commands", "alice",
                json.dumps({"title": "renamed"}),
                command_headers("cmd-2", "update", todo_id,
                                [("kafka_correlationId", "corr-2")]))
        produce(self.bs, "actodo.commands", "alice", "{}",
                command_headers("cmd-3", "complete", todo_id,
                                [("ce_correlationid", "corr-3"),
                                 ("ce_replytopic", "actodo.results")]))
        results = wait_records(
            self.bs, "actodo.results",
            lambda rs: any(r["headers"].get("ce_correlationid") == "corr-3"
                           for r in rs))
        by_corr = results_by_correlation(results)
        self.assertEqual(json.loads(by_corr["corr-2"]["value"])["status"], 200)
        done = [r for r in results
                if r["headers"].get("ce_correlationid") == "corr-3"][0]
        self.assertTrue(json.loads(done["value"])["body"]["completed"])
        events = wait_records(
            self.bs, "actodo.events",
            lambda rs: len([r for r in rs if r["key"] == "alice"]) >= 3)
        mine = [r for r in events if r["key"] == "alice"]
        self.assertEqual([int(r["headers"]["ce_sequence"]) for r in mine],
                         [1, 2, 3])
        self.assertEqual([r["headers"]["ce_type"] for r in mine],
                         ["todo.created", "todo.updated", "todo.completed"])
        self.assertEqual(len({r["partition"] for r in mine}), 1)

    def test_redelivery_changes_nothing(self):
        srv = self.kafka_server()
        for corr in ("a", "b"):
            produce(self.bs, "actodo.commands", "local",
                    json.dumps({"title": "once"}),
                    command_headers("same-id", "create", extra=[("kafka_correlationId", corr)]))
        results = wait_records(
            self.bs, "actodo.results",
            lambda rs: {"a", "b"} <= set(results_by_correlation(rs)))
        by_corr = results_by_correlation(results)
        a = json.loads(by_corr["a"]["value"])
        b = json.loads(by_corr["b"]["value"])
        self.assertEqual(a["body"]["id"], b["body"]["id"])
        self.assertEqual(len(srv.list_all()), 1)
        self.assertEqual(len(srv.events()), 1)

    def test_malformed_record_goes_to_dlq(self):
        self.kafka_server()
        produce(self.bs, "actodo.commands", "bob", "{not json",
                command_headers("bad-1", "create"))
        produce(self.bs, "actodo.commands", "bob", json.dumps({"title": 5}),
                command_headers("bad-2", "create"))
        produce(self.bs, "actodo.commands", "bob", json.dumps({"title": "x"}),
                command_headers("bad-3", "explode"))
        produce(self.bs, "actodo.commands", "bob", json.dumps({"title": "ok"}),
                command_headers("good-1", "create", extra=[("kafka_correlationId", "good")]))
        wait_records(self.bs, "actodo.results",
                     lambda rs: "good" in results_by_correlation(rs))
        dlq = wait_records(self.bs, "actodo.commands.dlq",
                           lambda rs: len(rs) >= 3)
        fields = {r["headers"]["ce_id"]: r["headers"]["actodo_error_field"]
                  for r in dlq}
        self.assertEqual(fields, {"bad-1": "value", "bad-2": "data/title",
                                  "bad-3": "ce_type"})
        for r in dlq:
            self.assertTrue(r["headers"]["actodo_error"])
            self.assertEqual(r["headers"]["actodo_original_topic"],
                             "actodo.commands")
            self.assertIn("actodo_original_offset", r["headers"])

    def test_kill9_loses_nothing(self):
        # The killed consumer leaves the group only when its session times
        # out: a short one (librdkafka's default is 45 s) keeps this quick.
        srv = self.kafka_server("--kafka.property.session.timeout.ms=6000",
                                "--kafka.property.heartbeat.interval.ms=500")
        n = 60
        for i in range(n):
            produce(self.bs, "actodo.commands", f"user{i % 3}",
                    json.dumps({"title": f"t{i}"}),
                    command_headers(f"k-{i}", "create", extra=[("kafka_correlationId", f"c{i}")]))
            if i == n // 2:
                wait_records(self.bs, "actodo.results",
                             lambda rs: len(rs) >= 5)
                srv.kill9()
                srv.restart()
        results = wait_records(
            self.bs, "actodo.results",
            lambda rs: len(set(results_by_correlation(rs))) >= n,
            timeout=120)
        self.assertEqual(set(results_by_correlation(results)),
                         {f"c{i}" for i in range(n)})
        # Every committed event is on actodo.events (duplicates allowed),
        # in per-user order.
        events = wait_records(
            self.bs, "actodo.events",
            lambda rs: len({r["headers"]["ce_id"] for r in rs}) >= n,
            timeout=120)
        ids = {r["headers"]["ce_id"] for r in events}
        self.assertEqual(ids, {f"user{u}-{s}" for u in range(3)
                               for s in range(1, n // 3 + 1)})
        for u in range(3):
            seqs = [int(r["headers"]["ce_sequence"]) for r in events
                    if r["key"] == f"user{u}"]
            firsts = []
            for s in seqs:  # Order of first appearance is the log's order.
                if s not in firsts:
                    firsts.append(s)
            self.assertEqual(firsts, sorted(firsts))

    def test_gateway_mode(self):
        srv = self.kafka_server("--kafka.route-http")
        ws = srv.ws()
        resp = srv.request("POST", "/api/v1/todos", {"title": "via kafka"})
        self.assertEqual(resp.status, 202, resp.body)
        rid = resp.body["request_id"]
        frames = recv_until(ws, has_result(rid), timeout=60)
        result = [f for f in frames if f.get("type") == "result"
                  and f.get("request_id") == rid][0]
        self.assertEqual(result["status"], 201)
        commands = read_all(self.bs, "actodo.commands")
        self.assertIn(rid, {r["headers"].get("ce_id") for r in commands})
        todos = srv.list_all()
        self.assertEqual([t["title"] for t in todos], ["via kafka"])


if __name__ == "__main__":
    unittest.main()
