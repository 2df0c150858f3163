"""/metrics: a strict parser for the Prometheus text exposition format
(0.0.4), and counters that move with the traffic the test drives."""

import json
import math
import re
import unittest

from actodo_fixture import ActodoTestCase, recv_json

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"'
LABELS = rf"\{{(?:{LABEL})(?:,{LABEL})*\}}"
SAMPLE = re.compile(rf"^(?P<name>{NAME})(?P<labels>{LABELS})? "
                    rf"(?P<value>\S+)(?P<ts> -?\d+)?$")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def parse_value(text):
    if text in ("+Inf", "-Inf", "NaN"):
        return float(text.replace("Inf", "inf").replace("NaN", "nan"))
    assert re.fullmatch(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text), \
        f"bad value {text!r}"
    return float(text)


def parse(text):
    """Returns {family: {"type", "help", "samples": [(name, labels, v)]}};
    raises AssertionError on any violation of the format."""
    families = {}
    current = None
    assert text.endswith("\n"), "the exposition ends with a newline"
    for n, line in enumerate(text.split("\n")[:-1], 1):
        assert line, f"line {n}: empty line"
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            kind, name, rest = line[2:6], *line[7:].split(" ", 1)
            assert re.fullmatch(NAME, name), f"line {n}: bad name {name}"
            fam = families.setdefault(name, {"type": None, "help": None,
                                              "samples": []})
            if kind == "TYPE":
                assert rest in TYPES, f"line {n}: bad type {rest}"
                assert fam["type"] is None, f"line {n}: second TYPE"
                assert not fam["samples"], f"line {n}: TYPE after samples"
                fam["type"] = rest
            else:
                assert fam["help"] is None, f"line {n}: second HELP"
                fam["help"] = rest
            current = name
            continue
        assert not line.startswith("#"), f"line {n}: unknown comment"
        m = SAMPLE.match(line)
        assert m, f"line {n}: not a sample: {line!r}"
        name = m.group("name")
        labels = dict(re.findall(LABEL, m.group("labels") or ""))
        value = parse_value(m.group("value"))
        base = current
        fam = families.get(base)
        assert fam is not None, f"line {n}: sample without a family"
        if fam["type"] == "histogram":
            assert name in (base + "_bucket", base + "_sum", base + "_count"), \
                f"line {n}: {name} in histogram {base}"
        else:
            assert name == base, f"line {n}: {name} outside its family {base}"
        fam["samples"].append((name, labels, value))
    for base, fam in families.items():
        assert fam["type"], f"{base}: no TYPE"
        if fam["type"] == "counter":
            for _, _, v in fam["samples"]:
                assert v >= 0, f"{base}: negative counter"
        if fam["type"] == "histogram":
            check_histogram(base, fam["samples"])
    return families


def check_histogram(base, samples):
    series = {}
    for name, labels, value in samples:
        key = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
        s = series.setdefault(key, {"buckets": [], "count": None})
        if name.endswith("_bucket"):
            s["buckets"].append((parse_value(labels["le"]), value))
        elif name.endswith("_count"):
            s["count"] = value
    for key, s in series.items():
        bounds = [b for b, _ in s["buckets"]]
        assert bounds == sorted(bounds), f"{base}{key}: buckets out of order"
        assert bounds and math.isinf(bounds[-1]), f"{base}{key}: no +Inf"
        counts = [c for _, c in s["buckets"]]
        assert counts == sorted(counts), f"{base}{key}: not cumulative"
        assert counts[-1] == s["count"], f"{base}{key}: +Inf != _count"


def value(families, family, name=None, **labels):
    for n, l, v in families[family]["samples"]:
        if n == (name or family) and all(l.get(k) == x
                                         for k, x in labels.items()):
            return v
    return 0.0


class ParserSelfTest(unittest.TestCase):
    def test_parser_rejects_broken_expositions(self):
        good = "# TYPE a counter\na 1\n"
        parse(good)
        for bad in ["a 1\n", "# TYPE a counter\na{x=1} 1\n",
                    "# TYPE a counter\na -1\n", "# TYPE a counter\na one\n",
                    "# TYPE a counter\nb 1\n", "# TYPE a counter\na 1",
                    "# TYPE h histogram\nh_bucket{le=\"1\"} 2\n"
                    "h_bucket{le=\"+Inf\"} 1\nh_count 1\n"]:
            with self.subTest(bad=bad), self.assertRaises(AssertionError):
                parse(bad)


class MetricsTest(ActodoTestCase):
    def test_exposition_parses_and_counters_move(self):
        srv = self.server()
        r = srv.get("/metrics")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.headers["content-type"].startswith("text/plain"))
        before = parse(r.body if isinstance(r.body, str)
                       else r.body.decode())
        ws = srv.ws()
        self.assertWelcome(recv_json(ws), 0)
        for i in range(5):
            srv.create(f"m{i}")
        srv.get("/api/v1/todos/none")
        for _ in range(10):
            recv_json(ws)
        ws.send("not json")
        recv_json(ws)
        text = srv.get("/metrics").body
        after = parse(text if isinstance(text, str) else text.decode())
        posts = value(after, "actodo_http_requests_total",
                      route="/api/v1/todos", method="POST")
        self.assertEqual(posts, 5 + value(before, "actodo_http_requests_total",
                                          route="/api/v1/todos",
                                          method="POST"))
        self.assertEqual(value(after, "actodo_http_requests_total",
                               route="/api/v1/todos/{id}", status="404"), 1)
        self.assertEqual(value(after, "actodo_ws_sessions"), 1)
        self.assertGreaterEqual(value(after, "actodo_ws_frames_sent_total"),
                                11)
        self.assertEqual(value(after, "actodo_ws_frames_received_total"), 1)
        self.assertGreaterEqual(value(after, "actodo_journal_commits_total"),
                                1)
        self.assertEqual(value(after, "actodo_journal_batch_size",
                               "actodo_journal_batch_size_sum"), 5)
        self.assertEqual(value(after, "actodo_actors", kind="todo_list"), 1)
        self.assertGreater(value(after, "process_resident_memory_bytes"), 0)
        self.assertEqual(value(after, "actodo_http_request_duration_seconds",
                               "actodo_http_request_duration_seconds_count",
                               route="/api/v1/todos"), 5)
        # Per-kind message counts: 5 creates + 1 get + 1 subscribe reach the
        # todo_list; the session handled 10 frames (5 results, 5 events).
        # The text that is not JSON never reaches it: the socket decodes
        # command frames and answers what does not decode itself.
        def handled(kind):
            return (value(after, "actodo_actor_messages_total", kind=kind)
                    - value(before, "actodo_actor_messages_total", kind=kind))
        self.assertEqual(handled("todo_list"), 7)
        self.assertEqual(handled("session"), 10)
        self.assertEqual(handled("journal"), 6)  # 1 load + 5 appends
        self.assertEqual(value(after, "actodo_actor_mailbox_depth",
                               kind="todo_list"), 0)
        self.assertEqual(value(after, "actodo_reminders_pending"), 0)

    def test_bookkeeping_can_be_turned_off(self):
        srv = self.server(extra_args=["--no-metrics"])
        srv.create("quiet")
        text = srv.get("/metrics").body
        after = parse(text if isinstance(text, str) else text.decode())
        self.assertEqual(value(after, "actodo_actor_messages_total",
                               kind="todo_list"), 0)
        self.assertEqual(value(after, "actodo_http_requests_total",
                               route="/api/v1/todos", method="POST"), 0)
        # State gauges stay.
        self.assertEqual(value(after, "actodo_actors", kind="todo_list"), 1)


if __name__ == "__main__":
    unittest.main()
