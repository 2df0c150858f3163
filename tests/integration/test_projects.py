"""Projects, subtasks and the archive (issue #18, "Model and API"), and
the JSON export's `project` that an import files todos by (issue #17).

Every write goes through the API as a client sends it (`Prefer: wait` for
the outcome); every answer is checked field by field."""

import json
import time

from actodo_fixture import ActodoTestCase

WAIT = "wait=10"
INBOX = "p_inbox"


class Client:
    """One user of one server, with the assertions of the test case."""

    def __init__(self, case, srv, name):
        self.case, self.srv = case, srv
        creds = {"username": name, "password": "correct horse battery"}
        r = srv.request("POST", "/api/v1/auth/register", creds)
        case.assertEqual(r.status, 201, r.body)
        r = srv.request("POST", "/api/v1/auth/login", creds)
        case.assertEqual(r.status, 200, r.body)
        self.auth = {"Authorization": f"Bearer {r.body['access_token']}"}

    def call(self, method, path, body=None, status=None, headers=None):
        h = dict(self.auth, Prefer=WAIT)
        h.update(headers or {})
        r = self.srv.request(method, path, body, h)
        if status is not None:
            self.case.assertEqual(r.status, status, (method, path, r.body))
        return r

    def refused(self, method, path, body, status, field, headers=None):
        r = self.call(method, path, body, status, headers)
        self.case.assertEqual(r.headers["content-type"],
                              "application/problem+json", r.body)
        self.case.assertEqual(r.body.get("field"), field, r.body)
        return r.body

    def project(self, name, **fields):
        return self.call("POST", "/api/v1/projects",
                         dict(fields, name=name), 201).body

    def todo(self, title, **fields):
        return self.call("POST", "/api/v1/todos",
                         dict(fields, title=title), 201).body

    def get(self, todo_id):
        return self.call("GET", f"/api/v1/todos/{todo_id}", status=200).body

    def ids(self, query=""):
        r = self.call("GET", "/api/v1/todos?limit=500" + query, status=200)
        return sorted(t["id"] for t in r.body["items"])

    def projects(self, query=""):
        r = self.call("GET", "/api/v1/projects" + query, status=200)
        return r.body["items"]

    def event_types(self):
        r = self.call("GET", "/api/v1/events?limit=1000", status=200)
        return [(e["type"], e["subject"]) for e in r.body["items"]]


class ProjectTest(ActodoTestCase):
    def test_projects_crud_inbox_and_isolation(self):
        srv = self.server(extra_args=["--auth=token", "--max-projects=4"])
        alice, bob = Client(self, srv, "alice"), Client(self, srv, "bob")
        # Every user has the Inbox before anything is stored.
        inbox = alice.projects()
        self.assertEqual([(p["id"], p["name"], p["version"]) for p in inbox],
                         [(INBOX, "Inbox", 0)])
        home = alice.project("Home", color="#3C6", order=2)
        self.assertRegex(home["id"], r"^p_[0-9a-v]{20}$")
        self.assertEqual((home["name"], home["color"], home["order"],
                          home["archived"], home["version"]),
                         ("Home", "#33cc66", 2, False, 1))
        r = alice.call("GET", f"/api/v1/projects/{home['id']}", status=200)
        self.assertEqual(r.body, home)
        self.assertEqual(r.headers["etag"], '"1"')
        work = alice.project("Work", order=1)
        self.assertEqual([p["name"] for p in alice.projects()],
                         ["Inbox", "Work", "Home"])
        # Precise refusals.
        alice.refused("POST", "/api/v1/projects", {"name": "home"}, 400,
                      "name")
        alice.refused("POST", "/api/v1/projects", {"name": ""}, 400, "name")
        alice.refused("POST", "/api/v1/projects", {"name": "x" * 121}, 400,
                      "name")
        alice.refused("POST", "/api/v1/projects",
                      {"name": "Car", "color": "red"}, 400, "color")
        alice.refused("POST", "/api/v1/projects", {"name": "Car", "id": "p"},
                      400, "id")
        alice.refused("POST", "/api/v1/projects", {"color": "#fff"}, 400,
                      "name")
        alice.refused("PATCH", f"/api/v1/projects/{INBOX}",
                      {"archived": True}, 400, "archived")
        alice.refused("DELETE", f"/api/v1/projects/{INBOX}", None, 400, "id")
        alice.refused("PATCH", "/api/v1/projects/p_nope", {"name": "N"}, 404,
                      "id")
        # The cap counts the Inbox: Inbox, Home, Work, one more.
        alice.project("Car")
        alice.refused("POST", "/api/v1/projects", {"name": "Garden"}, 409,
                      "projects")
        # Rename, archive: archived projects leave the default list.
        r = alice.call("PATCH", f"/api/v1/projects/{work['id']}",
                       {"name": "Office", "archived": True}, 200,
                       headers={"If-Match": '"1"'})
        self.assertEqual((r.body["name"], r.body["archived"],
                          r.body["version"]), ("Office", True, 2))
        # By order (Car has the default, 0), then name.
        self.assertEqual([p["name"] for p in alice.projects()],
                         ["Inbox", "Car", "Home"])
        self.assertEqual([p["name"] for p in alice.projects("?archived=true")],
                         ["Office"])
        alice.refused("PATCH", f"/api/v1/projects/{work['id']}",
                      {"order": 5}, 412, "If-Match", {"If-Match": '"1"'})
        # The Inbox itself can be renamed.
        r = alice.call("PATCH", f"/api/v1/projects/{INBOX}",
                       {"name": "Inbox (alice)"}, 200)
        self.assertEqual(r.body["version"], 1)
        # Bob sees none of it, and cannot file todos into it.
        self.assertEqual([p["id"] for p in bob.projects()], [INBOX])
        bob.refused("GET", f"/api/v1/projects/{home['id']}", None, 404, "id")
        bob.refused("POST", "/api/v1/todos",
                    {"title": "x", "project_id": home["id"]}, 400,
                    "project_id")
        bob.refused("DELETE", f"/api/v1/projects/{home['id']}", None, 404,
                    "id")
        types = [t for t, _ in alice.event_types()]
        self.assertEqual(types.count("project.created"), 3)
        self.assertEqual(types.count("project.updated"), 2)

    def test_todos_in_projects_and_deleting_a_project(self):
        srv = self.server(extra_args=["--auth=token"])
        alice = Client(self, srv, "alice")
        home = alice.project("Home")["id"]
        work = alice.project("Work")["id"]
        a = alice.todo("in the inbox")
        self.assertEqual((a["project_id"], a["parent_id"], a["archived"]),
                         (INBOX, None, False))
        b = alice.todo("at home", project_id=home)
        c = alice.todo("also at home", project_id=home)
        d = alice.todo("at work", project_id=work)
        alice.refused("POST", "/api/v1/todos",
                      {"title": "x", "project_id": "p_unknown"}, 400,
                      "project_id")
        alice.refused("POST", "/api/v1/todos",
                      {"title": "x", "project_id": "bad id!"}, 400,
                      "project_id")
        self.assertEqual(alice.ids(f"&project={home}"),
                         sorted([b["id"], c["id"]]))
        self.assertEqual(alice.ids(f"&project={INBOX}"), [a["id"]])
        # `project_id: null` is the Inbox.
        moved = alice.call("PATCH", f"/api/v1/todos/{c['id']}",
                           {"project_id": None}, 200).body
        self.assertEqual(moved["project_id"], INBOX)
        alice.call("PATCH", f"/api/v1/todos/{c['id']}",
                   {"project_id": home}, 200)
        # Deleting with move_to moves the todos; without it deletes them.
        alice.refused("DELETE", f"/api/v1/projects/{home}?move_to=p_nope",
                      None, 400, "move_to")
        alice.refused("DELETE", f"/api/v1/projects/{home}?move_to={home}",
                      None, 400, "move_to")
        alice.refused("DELETE", f"/api/v1/projects/{home}?colour=1", None,
                      400, "colour")
        alice.call("DELETE", f"/api/v1/projects/{home}?move_to={work}",
                   status=204)
        for t in (b, c):
            got = alice.get(t["id"])
            self.assertEqual(got["project_id"], work)
            self.assertEqual(got["version"], t["version"] + (1 if t is b
                                                              else 3))
        alice.call("DELETE", f"/api/v1/projects/{work}", status=204)
        self.assertEqual(alice.ids(), [a["id"]])
        for t in (b, c, d):
            alice.refused("GET", f"/api/v1/todos/{t['id']}", None, 404, "id")
        self.assertEqual([p["id"] for p in alice.projects()], [INBOX])
        events = alice.event_types()
        self.assertIn(("project.deleted", home), events)
        self.assertIn(("project.deleted", work), events)
        self.assertIn(("todo.deleted", d["id"]), events)

    def test_projects_survive_a_restart(self):
        srv = self.server(extra_args=["--auth=token"])
        alice = Client(self, srv, "alice")
        home = alice.project("Home", color="#123456")
        t = alice.todo("kept", project_id=home["id"])
        srv.restart()
        alice = Client.__new__(Client)
        alice.case, alice.srv = self, srv
        r = srv.request("POST", "/api/v1/auth/login",
                        {"username": "alice",
                         "password": "correct horse battery"})
        alice.auth = {"Authorization": f"Bearer {r.body['access_token']}"}
        self.assertEqual([p for p in alice.projects() if p["id"] != INBOX],
                         [home])
        self.assertEqual(alice.get(t["id"])["project_id"], home["id"])


class SubtaskTest(ActodoTestCase):
    def test_depth_cycles_projects_and_filters(self):
        srv = self.server(extra_args=["--auth=token"])
        alice = Client(self, srv, "alice")
        home = alice.project("Home")["id"]
        root = alice.todo("root", project_id=home)
        l2 = alice.todo("level 2", parent_id=root["id"])
        self.assertEqual((l2["parent_id"], l2["project_id"]),
                         (root["id"], home))
        l3 = alice.todo("level 3", parent_id=l2["id"])
        l4 = alice.todo("level 4", parent_id=l3["id"])
        # A fifth level, counting the root, is refused.
        alice.refused("POST", "/api/v1/todos",
                      {"title": "level 5", "parent_id": l4["id"]}, 400,
                      "parent_id")
        # A subtree moved under another todo counts its own depth.
        other = alice.todo("other", project_id=home)
        under = alice.todo("under other", parent_id=other["id"])
        alice.refused("PATCH", f"/api/v1/todos/{l2['id']}",
                      {"parent_id": under["id"]}, 400, "parent_id")
        # Cycles: itself, its own subtask.
        alice.refused("PATCH", f"/api/v1/todos/{root['id']}",
                      {"parent_id": root["id"]}, 400, "parent_id")
        alice.refused("PATCH", f"/api/v1/todos/{root['id']}",
                      {"parent_id": l3["id"]}, 400, "parent_id")
        alice.refused("POST", "/api/v1/todos",
                      {"title": "x", "parent_id": "t_nope"}, 400,
                      "parent_id")
        # A subtask is in its parent's project.
        alice.refused("POST", "/api/v1/todos",
                      {"title": "x", "parent_id": root["id"],
                       "project_id": INBOX}, 400, "project_id")
        alice.refused("PATCH", f"/api/v1/todos/{l2['id']}",
                      {"project_id": INBOX}, 400, "project_id")
        # Filters: the subtasks of one todo, and the roots.
        self.assertEqual(alice.ids(f"&parent={root['id']}"), [l2["id"]])
        self.assertEqual(alice.ids("&parent=null"),
                         sorted([root["id"], other["id"]]))
        alice.refused("GET", "/api/v1/todos?parent=a%20b", None, 400,
                      "parent")
        # Moving the root to the Inbox moves its whole subtree.
        alice.call("PATCH", f"/api/v1/todos/{root['id']}",
                   {"project_id": INBOX}, 200)
        for t in (l2, l3, l4):
            self.assertEqual(alice.get(t["id"])["project_id"], INBOX)
        # A subtask made a root keeps its own subtree.
        leaf = alice.call("PATCH", f"/api/v1/todos/{l3['id']}",
                          {"parent_id": None}, 200).body
        self.assertIsNone(leaf["parent_id"])
        self.assertEqual(alice.ids(f"&parent={l3['id']}"), [l4["id"]])
        # Now `other` can take l3's subtree (3 levels in all).
        alice.call("PATCH", f"/api/v1/todos/{l3['id']}",
                   {"parent_id": other["id"]}, 200)
        self.assertEqual(alice.get(l4["id"])["project_id"], home)

    def test_completing_and_deleting_a_parent(self):
        srv = self.server(extra_args=["--auth=token"])
        alice = Client(self, srv, "alice")
        parent = alice.todo("parent")
        open1 = alice.todo("open 1", parent_id=parent["id"])
        done = alice.todo("done already", parent_id=parent["id"],
                          completed=True)
        deep = alice.todo("deep", parent_id=open1["id"])
        sibling = alice.todo("unrelated")
        r = alice.call("PATCH", f"/api/v1/todos/{parent['id']}",
                       {"completed": True}, 200)
        self.assertTrue(r.body["completed"])
        for t in (open1, deep):
            got = alice.get(t["id"])
            self.assertTrue(got["completed"], got)
            self.assertEqual(got["completed_at"], r.body["completed_at"])
        # The one done before keeps its completion.
        self.assertEqual(alice.get(done["id"]), done)
        self.assertFalse(alice.get(sibling["id"])["completed"])
        completed = [s for t, s in alice.event_types()
                     if t == "todo.completed"]
        self.assertEqual(completed[-3:], [parent["id"], open1["id"],
                                          deep["id"]])
        # Deleting the parent deletes its subtree, nothing else.
        alice.call("DELETE", f"/api/v1/todos/{parent['id']}", status=204)
        self.assertEqual(alice.ids(), [sibling["id"]])
        deleted = [s for t, s in alice.event_types() if t == "todo.deleted"]
        self.assertEqual(sorted(deleted), sorted([parent["id"], open1["id"],
                                                  done["id"], deep["id"]]))


class ArchiveTest(ActodoTestCase):
    def test_archive_hides_keeps_history_and_fires_nothing(self):
        srv = self.server(extra_args=["--auth=token"])
        alice = Client(self, srv, "alice")
        soon = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                             time.gmtime(time.time() + 3600))
        parent = alice.todo("parent", due=soon,
                            reminders=[{"offset": "-PT5M"}])
        self.assertIsNotNone(parent["reminders"][0]["next"])
        child = alice.todo("child", parent_id=parent["id"])
        keep = alice.todo("keep")
        r = alice.call("POST", f"/api/v1/todos/{parent['id']}/archive",
                       status=200)
        self.assertTrue(r.body["archived"])
        self.assertIsNone(r.body["reminders"][0]["next"])
        self.assertEqual(r.body["version"], parent["version"] + 1)
        self.assertTrue(alice.get(child["id"])["archived"])
        self.assertEqual(alice.ids(), [keep["id"]])
        self.assertEqual(alice.ids("&archived=true"),
                         sorted([parent["id"], child["id"]]))
        alice.refused("GET", "/api/v1/todos?archived=maybe", None, 400,
                      "archived")
        alice.refused("POST", f"/api/v1/todos/{parent['id']}/archive?x=1",
                      None, 400, "x")
        alice.refused("POST", "/api/v1/todos/t_nope/archive", None, 404, "id")
        # A subtask of an archived parent is not restored alone.
        alice.refused("POST", f"/api/v1/todos/{child['id']}/unarchive", None,
                      400, "archived")
        r = alice.call("POST", f"/api/v1/todos/{parent['id']}/unarchive",
                       status=200)
        self.assertFalse(r.body["archived"])
        self.assertIsNotNone(r.body["reminders"][0]["next"])
        self.assertFalse(alice.get(child["id"])["archived"])
        types = [(t, s) for t, s in alice.event_types()]
        for kind in ("todo.archived", "todo.unarchived"):
            self.assertIn((kind, parent["id"]), types)
            self.assertIn((kind, child["id"]), types)
        # Archiving twice changes nothing the second time.
        alice.call("POST", f"/api/v1/todos/{keep['id']}/archive", status=200)
        again = alice.call("POST", f"/api/v1/todos/{keep['id']}/archive",
                           status=200).body
        self.assertEqual(again["version"], keep["version"] + 1)


class ExportProjectTest(ActodoTestCase):
    def test_export_names_projects_and_import_files_by_name(self):
        srv = self.server(extra_args=["--auth=token"])
        alice, bob = Client(self, srv, "alice"), Client(self, srv, "bob")
        home = alice.project("Home")["id"]
        alice.todo("water plants", project_id=home)
        alice.todo("loose end")
        r = alice.call("GET", "/api/v1/export?format=json", status=200)
        items = r.body
        self.assertIsInstance(items, list)
        by_title = {t["title"]: t for t in items}
        self.assertEqual(by_title["water plants"]["project"], "Home")
        self.assertEqual(by_title["water plants"]["project_id"], home)
        self.assertEqual(by_title["loose end"]["project"], "Inbox")
        # Bob already has a "home" project (ASCII case ignored): used.
        bobs = bob.project("home")["id"]
        items.append({"title": "new place", "project": "Garage"})
        r = bob.call("POST", "/api/v1/imports", json.dumps(items).encode(),
                     202, headers={"Content-Type": "application/json"})
        job = r.body["job_id"]
        deadline = time.monotonic() + 60
        while True:
            r = bob.call("GET", f"/api/v1/jobs/{job}", status=200)
            if r.body["state"] in ("done", "failed", "cancelled"):
                break
            self.assertLess(time.monotonic(), deadline, r.body)
            time.sleep(0.05)
        self.assertEqual((r.body["state"], r.body["errors"]), ("done", []),
                         r.body)
        names = {p["id"]: p["name"] for p in bob.projects()}
        self.assertEqual(sorted(names.values()), ["Garage", "Inbox", "home"])
        got = bob.call("GET", "/api/v1/todos?limit=10", status=200).body
        where = {t["title"]: names[t["project_id"]] for t in got["items"]}
        self.assertEqual(where, {"water plants": "home",
                                 "loose end": "Inbox",
                                 "new place": "Garage"})
        self.assertEqual([t["project_id"] for t in got["items"]
                          if t["title"] == "water plants"], [bobs])
