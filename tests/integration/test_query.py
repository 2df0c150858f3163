"""GET /api/v1/todos filters, sorting, keyset pagination, cursors, and
the GET /api/v1/events feed. Parameters that do not decode are unit-tested
(tests/web/query_validation_test.cpp)."""

import random
import unittest

from actodo_fixture import ActodoTestCase, parse_time


def created_key(t):
    return (parse_time(t["created_at"]), t["id"])


class QueryTestBase(ActodoTestCase):

    def query(self, params, limit=500):
        """Titles of the single page returned for `params`."""
        p = list(params) + [("limit", str(limit))]
        r = self.srv.list_page(p)
        self.assertEqual(r.status, 200, (p, r.body))
        self.assertEqual(set(r.body), {"items", "next_cursor"})
        self.assertIsNone(r.body["next_cursor"], p)
        for t in r.body["items"]:
            self.assertTodo(t)
        return [t["title"] for t in r.body["items"]]


class FilterAndSortTest(QueryTestBase):

    @classmethod
    def setUpClass(cls):
        # read-only tests share one server and data set
        from actodo_fixture import Server
        cls.srv = Server()
        try:
            s = cls.srv
            cls.todos = {}
            for title, fields in [
                ("Buy milk", dict(priority="high", tags=["Home", "errand"],
                                  due="2026-03-01", order=5)),
                ("Write report", dict(notes="quarterly MILK numbers",
                                      priority="low", tags=["work"],
                                      due="2026-01-15T09:00:00+02:00",
                                      order=1)),
                ("Call mom", dict(completed=True, order=3)),
                ("Fix bike", dict(priority="urgent", tags=["home"],
                                  due="2026-06-30", order=2)),
                ("Plan trip", dict(priority="medium",
                                   tags=["home", "ERRAND", "travel"],
                                   order=4)),
                ("Another", dict(priority="high", tags=["Work"],
                                 due="2026-12-01T10:00:00Z", order=6)),
            ]:
                cls.todos[title] = s.create(title, **fields)
            by_created = sorted(cls.todos.values(), key=created_key)
            cls.default_order = [t["title"] for t in by_created]
        except BaseException:
            cls.srv.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def expect(self, params, titles):
        """Filter result: exactly `titles`, in default (created_at, id)
        order."""
        want = [t for t in self.default_order if t in set(titles)]
        self.assertEqual(len(want), len(titles), titles)
        self.assertEqual(self.query(params), want, params)

    def test_created_fields(self):
        t = self.todos["Write report"]
        self.assertTodo(t, notes="quarterly MILK numbers", priority="low",
                        tags=["work"], order=1, completed=False)
        self.assertTodo(self.todos["Call mom"], completed=True, notes="",
                        priority="none", tags=[], due=None)
        self.assertTrue(self.todos["Buy milk"]["due"].startswith("2026-03-01"))
        self.assertEqual(self.todos["Plan trip"]["tags"],
                         ["home", "ERRAND", "travel"])

    def test_no_filter_default_sort(self):
        self.assertEqual(self.query([]), self.default_order)

    def test_filter_completed(self):
        self.expect([("completed", "true")], ["Call mom"])
        self.expect([("completed", "false")],
                    ["Buy milk", "Write report", "Fix bike", "Plan trip",
                     "Another"])

    def test_filter_priority(self):
        self.expect([("priority", "high")], ["Buy milk", "Another"])
        self.expect([("priority", "high"), ("priority", "urgent")],
                    ["Buy milk", "Fix bike", "Another"])
        self.expect([("priority", "none")], ["Call mom"])

    def test_filter_tag(self):
        self.expect([("tag", "home")], ["Buy milk", "Fix bike", "Plan trip"])
        self.expect([("tag", "WORK")], ["Write report", "Another"])
        self.expect([("tag", "HOME"), ("tag", "errand")],
                    ["Buy milk", "Plan trip"])
        self.expect([("tag", "home"), ("tag", "travel"), ("tag", "errand")],
                    ["Plan trip"])
        self.expect([("tag", "nope")], [])

    def test_filter_q(self):
        self.expect([("q", "milk")], ["Buy milk", "Write report"])
        self.expect([("q", "MILK")], ["Buy milk", "Write report"])
        self.expect([("q", "tRiP")], ["Plan trip"])
        self.expect([("q", "zzz")], [])

    def test_filter_due(self):
        self.expect([("due_before", "2026-02-01")], ["Write report"])
        self.expect([("due_after", "2026-02-01")],
                    ["Buy milk", "Fix bike", "Another"])
        self.expect([("due_after", "2026-02-01"),
                     ("due_before", "2026-04-01")], ["Buy milk"])
        # Write report is due 2026-01-15T07:00:00Z
        self.expect([("due_before", "2026-01-15T08:00:00Z")],
                    ["Write report"])
        self.expect([("due_before", "2026-01-15T06:00:00Z")], [])
        self.expect([("due_before", "2026-01-15T09:30:00+02:00")],
                    ["Write report"])
        self.expect([("due_after", "2026-11-30T00:00:00+01:00")],
                    ["Another"])
        # todos without due never match a due filter
        self.expect([("due_after", "1970-01-01")],
                    ["Buy milk", "Write report", "Fix bike", "Another"])
        self.expect([("due_before", "2999-01-01")],
                    ["Buy milk", "Write report", "Fix bike", "Another"])

    def test_filters_combine(self):
        self.expect([("completed", "false"), ("tag", "home"),
                     ("priority", "urgent")], ["Fix bike"])
        self.expect([("q", "i"), ("priority", "high"), ("priority", "low")],
                    ["Buy milk", "Write report"])

    def test_sort_due_missing_last(self):
        nodue = sorted([self.todos["Call mom"], self.todos["Plan trip"]],
                       key=lambda t: t["id"])
        self.assertEqual(self.query([("sort", "due")]),
                         ["Write report", "Buy milk", "Fix bike", "Another"]
                         + [t["title"] for t in nodue])
        self.assertEqual(
            self.query([("sort", "-due"), ("due_after", "2000-01-01")]),
            ["Another", "Fix bike", "Buy milk", "Write report"])

    def test_sort_title(self):
        order = ["Another", "Buy milk", "Call mom", "Fix bike", "Plan trip",
                 "Write report"]
        self.assertEqual(self.query([("sort", "title")]), order)
        self.assertEqual(self.query([("sort", "-title")]), order[::-1])

    def test_sort_order(self):
        order = ["Write report", "Fix bike", "Call mom", "Plan trip",
                 "Buy milk", "Another"]
        self.assertEqual(self.query([("sort", "order")]), order)
        self.assertEqual(self.query([("sort", "-order")]), order[::-1])

    def test_sort_multi_key(self):
        self.assertEqual(self.query([("sort", "-priority,title")]),
                         ["Fix bike", "Another", "Buy milk", "Plan trip",
                          "Write report", "Call mom"])
        self.assertEqual(self.query([("sort", "priority,-due")]),
                         ["Call mom", "Write report", "Plan trip", "Another",
                          "Buy milk", "Fix bike"])
        self.assertEqual(self.query([("sort", "priority,title")]),
                         ["Call mom", "Write report", "Plan trip", "Another",
                          "Buy milk", "Fix bike"])

    def test_sort_created_and_updated(self):
        self.assertEqual(self.query([("sort", "created_at")]),
                         self.default_order)
        titles = self.query([("sort", "-created_at")])
        self.assertCountEqual(titles, self.default_order)
        times = [parse_time(self.todos[t]["created_at"]) for t in titles]
        self.assertEqual(times, sorted(times, reverse=True))
        r = self.srv.list_page([("sort", "-updated_at"), ("limit", "500")])
        times = [parse_time(t["updated_at"]) for t in r.body["items"]]
        self.assertEqual(len(times), 6)
        self.assertEqual(times, sorted(times, reverse=True))

    def test_sort_combined_with_filter(self):
        self.assertEqual(
            self.query([("tag", "home"), ("sort", "-order")]),
            ["Buy milk", "Plan trip", "Fix bike"])


class PaginationTest(QueryTestBase):

    def setUp(self):
        self.srv = self.server()

    def walk(self, params, limit, between=None, max_pages=100):
        """Returns the pages (lists of todos); calls `between(page_no,
        items_so_far)` after each page but the last."""
        pages = []
        cursor = None
        for _ in range(max_pages):
            p = list(params) + [("limit", str(limit))]
            if cursor is not None:
                p.append(("cursor", cursor))
            r = self.srv.list_page(p)
            self.assertEqual(r.status, 200, (p, r.body))
            pages.append(r.body["items"])
            self.assertLessEqual(len(r.body["items"]), limit)
            cursor = r.body["next_cursor"]
            if cursor is None:
                return pages
            self.assertIsInstance(cursor, str)
            if between:
                between(len(pages), [t for pg in pages for t in pg])
        self.fail("pagination did not terminate")

    def test_small_pages_in_sort_order(self):
        titles = [f"p-{i:02d}" for i in range(0, 46, 2)]  # 23 items
        rnd = random.Random(7)
        shuffled = titles[:]
        rnd.shuffle(shuffled)
        created = [self.srv.create(t) for t in shuffled]
        pages = self.walk([("sort", "title")], 5)
        self.assertEqual([len(p) for p in pages], [5, 5, 5, 5, 3])
        self.assertEqual([t["title"] for p in pages for t in p], titles)

        pages = self.walk([("sort", "-title")], 4)
        self.assertEqual([t["title"] for p in pages for t in p], titles[::-1])

        by_created = [t["id"] for t in sorted(created, key=created_key)]
        pages = self.walk([], 7)
        self.assertEqual([len(p) for p in pages], [7, 7, 7, 2])
        self.assertEqual([t["id"] for p in pages for t in p], by_created)

        # exact multiple of the limit: every item once, no error
        pages = self.walk([("sort", "title")], 23)
        self.assertEqual([t["title"] for p in pages for t in p], titles)

    def test_pagination_with_filter_and_multi_sort(self):
        for i in range(12):
            self.srv.create(f"m-{i:02d}",
                            priority=["low", "high", "urgent"][i % 3],
                            tags=["even"] if i % 2 == 0 else ["odd"])
        pages = self.walk([("tag", "even"), ("sort", "-priority,title")], 2)
        got = [t["title"] for p in pages for t in p]
        # even i: 0 low, 2 urgent, 4 high, 6 low, 8 urgent, 10 high
        self.assertEqual(got, ["m-02", "m-08", "m-04", "m-10", "m-00",
                               "m-06"])

    def test_keyset_stable_when_items_are_inserted_between_pages(self):
        originals = [f"k-{i:02d}" for i in range(0, 40, 2)]  # 20 items
        for t in originals:
            self.srv.create(t)
        inserted_before = []
        inserted_after = []

        def between(page_no, seen):
            last = seen[-1]["title"]
            n = int(last[2:4])
            # sorts before the cursor: must never show up
            before = f"k-{max(n - 1, 0):02d}~{page_no}" if n > 0 else None
            if before is not None and before < last:
                self.srv.create(before)
                inserted_before.append(before)
            # sorts after the cursor: must show up exactly once
            after = f"k-{n + 1:02d}~{page_no}"
            self.srv.create(after)
            inserted_after.append(after)

        pages = self.walk([("sort", "title")], 4, between)
        got = [t["title"] for p in pages for t in p]
        self.assertEqual(len(got), len(set(got)), "item repeated")
        self.assertEqual([t for t in got if t in set(originals)], originals)
        self.assertEqual([t for t in got if t in set(inserted_before)], [])
        self.assertEqual(sorted(t for t in got if t in set(inserted_after)),
                         sorted(inserted_after))
        self.assertEqual(got, sorted(got))
        self.assertTrue(inserted_before)

    def test_keyset_stable_when_seen_items_are_deleted(self):
        created = [self.srv.create(f"d-{i:02d}") for i in range(15)]
        order = [t["id"] for t in sorted(created, key=created_key)]

        def between(page_no, seen):
            if page_no == 1:
                for t in seen[:3]:
                    self.srv.delete(t["id"])

        pages = self.walk([], 5, between)
        got = [t["id"] for p in pages for t in p]
        self.assertEqual(got, order)  # nothing skipped, nothing repeated

    def test_new_items_appear_at_the_end_in_default_sort(self):
        created = [self.srv.create(f"n-{i:02d}") for i in range(6)]

        added = []

        def between(page_no, seen):
            added.append(self.srv.create(f"new-{page_no}"))

        pages = self.walk([], 2, between)
        got = [t["id"] for p in pages for t in p]
        self.assertEqual(len(got), len(set(got)))
        self.assertEqual(got[:6],
                         [t["id"] for t in sorted(created, key=created_key)])
        self.assertLessEqual(set(got[6:]), {t["id"] for t in added})

    def test_limits(self):
        for i in range(3):
            self.srv.create(f"l-{i}")
        r = self.srv.list_page([("limit", "1")])
        self.assertEqual(r.status, 200)
        self.assertEqual(len(r.body["items"]), 1)
        self.assertIsInstance(r.body["next_cursor"], str)
        r = self.srv.list_page([("limit", "500")])
        self.assertEqual(r.status, 200)
        self.assertEqual(len(r.body["items"]), 3)
        self.assertIsNone(r.body["next_cursor"])

    def test_default_limit_is_50(self):
        for i in range(51):
            self.srv.create(f"dl-{i:02d}")
        r = self.srv.list_page([])
        self.assertEqual(r.status, 200)
        self.assertEqual(len(r.body["items"]), 50)
        self.assertIsInstance(r.body["next_cursor"], str)
        r = self.srv.list_page([("cursor", r.body["next_cursor"])])
        self.assertEqual(r.status, 200)
        self.assertEqual(len(r.body["items"]), 1)
        self.assertIsNone(r.body["next_cursor"])

    def test_bad_cursors_are_rejected(self):
        # The todo list checks a cursor against its data; the other query
        # parameters are unit-tested (tests/web/query_validation_test.cpp).
        for i in range(3):
            self.srv.create(f"c-{i}")
        self.assertProblem(
            self.srv.list_page([("cursor", "garbage!!not-a-cursor")]), 400,
            "cursor")
        r = self.srv.list_page([("sort", "title"), ("limit", "1")])
        cursor = r.body["next_cursor"]
        self.assertIsInstance(cursor, str)
        r = self.srv.list_page([("sort", "-title"), ("limit", "1"),
                                ("cursor", cursor)])
        self.assertProblem(r, 400, fields=("cursor", "sort"))
        r = self.srv.list_page([("limit", "1"), ("cursor", cursor)])
        self.assertProblem(r, 400, fields=("cursor", "sort"))


class EventsFeedTest(ActodoTestCase):

    def setUp(self):
        self.srv = self.server()

    def test_empty_feed(self):
        r = self.srv.get("/api/v1/events?after=0")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, {"items": []})

    def test_feed_paging_and_shape(self):
        a = self.srv.create("a")
        b = self.srv.create("b")
        self.srv.patch(a["id"], {"completed": True})
        self.srv.patch(a["id"], {"completed": False})
        self.srv.patch(b["id"], {"tags": ["x"]})
        self.srv.delete(b["id"])
        r = self.srv.get("/api/v1/events?after=0&limit=2")
        self.assertEqual(r.status, 200)
        self.assertEqual([e["sequence"] for e in r.body["items"]], [1, 2])
        r = self.srv.get("/api/v1/events?after=2&limit=3")
        self.assertEqual([e["sequence"] for e in r.body["items"]], [3, 4, 5])
        r = self.srv.get("/api/v1/events?after=6")
        self.assertEqual(r.body["items"], [])
        events = self.srv.events(0)
        self.assertEqual([e["sequence"] for e in events], [1, 2, 3, 4, 5, 6])
        self.assertEqual([(e["type"], e["subject"]) for e in events],
                         [("todo.created", a["id"]), ("todo.created", b["id"]),
                          ("todo.completed", a["id"]),
                          ("todo.reopened", a["id"]),
                          ("todo.updated", b["id"]),
                          ("todo.deleted", b["id"])])
        for e in events:
            self.assertEvent(e)
        self.assertEqual(len({e["id"] for e in events}), 6)
        self.assertEqual(events[0]["data"], a)
        self.assertEqual(events[4]["data"]["tags"], ["x"])
        self.assertEqual(events[5]["data"], {"id": b["id"]})
        self.assertEqual(events[3]["data"], self.srv.get_todo(a["id"]))


if __name__ == "__main__":
    unittest.main()
