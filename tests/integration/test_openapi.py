"""The OpenAPI 3.1 document web/openapi.json: its shape, its route set
against web/route_table.cpp, every example in it against its schema, and
real answers of a running server against the documented responses.

Schemas are checked with `jsonschema` (Draft 2020-12, as OpenAPI 3.1 uses
it); `$ref`s such as `#/components/schemas/Todo` resolve against the whole
document. `date-time`, `date` and `uri` formats are asserted, not only
annotated."""

import copy
import datetime
import json
import os
import re
import time
import unittest
import urllib.parse

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker

try:  # jsonschema >= 4.18 resolves references through `referencing`.
    import referencing
    import referencing.jsonschema
except ImportError:  # Debian 12's jsonschema 4.10: RefResolver.
    referencing = None

from actodo_fixture import WAIT, ActodoTestCase, recv_json, recv_until

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
DOC_PATH = os.path.join(REPO, "web", "openapi.json")
ROUTE_TABLE = os.path.join(REPO, "web", "route_table.cpp")

# The base URI the document is registered under for `$ref` resolution.
# Nothing is ever fetched: unknown references fail instead.
DOC_URI = "https://actodo.invalid/openapi.json"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch",
                "trace")
# Being added to the route table together with this document; checked by
# test_served_document (the other routes by test_paths_match_route_table).
OPENAPI_ROUTE = "/api/v1/openapi.json"

ROUTE_ROW = re.compile(r'\{\s*"([A-Z]+)"\s*,\s*"(/[^"]*)"\s*,\s*'
                       r'(?:access::)?(\w+)\s*,')
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?"
                     r"([Zz]|[+-]\d{2}:\d{2})$")

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value):
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        return False
    datetime.datetime.strptime(value[:19].upper(), "%Y-%m-%dT%H:%M:%S")
    offset = value[19:].lstrip(".0123456789")
    if offset not in ("Z", "z"):
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        if hours > 23 or minutes > 59:
            return False
    return True


@FORMATS.checks("date", raises=ValueError)
def _is_date(value):
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    datetime.date.fromisoformat(value)
    return True


@FORMATS.checks("uri")
def _is_uri(value):
    if not isinstance(value, str):
        return True
    parts = urllib.parse.urlsplit(value)
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme)) \
        and not re.search(r"\s", value)


def load_document():
    with open(DOC_PATH, encoding="utf-8") as f:
        return json.load(f)


def escape(token):
    """A JSON pointer reference token."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token):
    return token.replace("~1", "/").replace("~0", "~")


def pointer_get(doc, pointer):
    """The node at a JSON pointer (`/components/schemas/Todo`); KeyError,
    IndexError or TypeError when there is none."""
    node = doc
    if pointer == "":
        return node
    if not pointer.startswith("/"):
        raise KeyError(pointer)
    for token in pointer[1:].split("/"):
        token = unescape(token)
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def deref(doc, node, pointer):
    """Follows local `$ref`s: (node, its pointer)."""
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#") or ref in seen:
            raise AssertionError(f"unresolvable $ref {ref!r} at {pointer}")
        seen.add(ref)
        pointer = ref[1:]
        node = pointer_get(doc, pointer)
    return node, pointer


class Schemas:
    """Validators for schemas of the document, addressed by JSON pointer,
    with every `$ref` resolved against the whole document."""

    def __init__(self, doc):
        self.doc = doc
        self._cache = {}
        if referencing is not None:
            resource = referencing.Resource.from_contents(
                doc, default_specification=referencing.jsonschema.DRAFT202012)
            self.registry = referencing.Registry().with_resource(DOC_URI,
                                                                 resource)

    def validator(self, pointer):
        if pointer not in self._cache:
            pointer_get(self.doc, pointer)  # It exists.
            schema = {"$ref": DOC_URI + "#" + urllib.parse.quote(
                pointer, safe="/~$-_.!'()*,;=:@")}
            if referencing is not None:
                v = Draft202012Validator(schema, registry=self.registry,
                                         format_checker=FORMATS)
            else:
                def refuse(uri):
                    raise jsonschema.RefResolutionError(
                        f"not in the document: {uri}")
                resolver = jsonschema.RefResolver(
                    DOC_URI, self.doc, store={DOC_URI: self.doc},
                    handlers={"http": refuse, "https": refuse})
                v = Draft202012Validator(schema, resolver=resolver,
                                         format_checker=FORMATS)
            self._cache[pointer] = v
        return self._cache[pointer]

    def errors(self, pointer, instance):
        """Messages of every violation of the schema at `pointer`."""
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: "
                f"{e.message[:300]}"
                for e in self.validator(pointer).iter_errors(instance)]


SUBSCHEMA = ("items", "additionalProperties", "not", "if", "then", "else",
             "contains", "propertyNames", "unevaluatedItems",
             "unevaluatedProperties")
SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs",
                  "dependentSchemas")
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


def schema_examples(node, pointer, out):
    """(where, schema pointer, instance) for the JSON Schema `examples`
    (and deprecated `example`) of `node` and its subschemas."""
    if not isinstance(node, dict):
        return
    if isinstance(node.get("examples"), list):
        for i, ex in enumerate(node["examples"]):
            out.append((f"{pointer}/examples/{i}", pointer, ex))
    if "example" in node:
        out.append((f"{pointer}/example", pointer, node["example"]))
    for key in SUBSCHEMA:
        if key in node:
            schema_examples(node[key], f"{pointer}/{key}", out)
    for key in SUBSCHEMA_MAPS:
        for name, sub in node.get(key, {}).items():
            schema_examples(sub, f"{pointer}/{key}/{escape(name)}", out)
    for key in SUBSCHEMA_LISTS:
        for i, sub in enumerate(node.get(key, [])):
            schema_examples(sub, f"{pointer}/{key}/{i}", out)


def document_examples(doc, node=None, pointer="", out=None):
    """(where, schema pointer, instance) for every example of the document:
    of media types, parameters and headers (`example`, `examples` map of
    Example Objects) and inside schemas."""
    if out is None:
        out = []
        node = doc
    if isinstance(node, dict):
        if isinstance(node.get("schema"), dict):
            schema_ptr = f"{pointer}/schema"
            schema_examples(node["schema"], schema_ptr, out)
            if "example" in node:
                out.append((f"{pointer}/example", schema_ptr,
                            node["example"]))
            for name, ex in node.get("examples", {}).items():
                where = f"{pointer}/examples/{escape(name)}"
                ex, _ = deref(doc, ex, where)
                if "value" not in ex:
                    raise AssertionError(f"{where}: an example without a "
                                         "`value` cannot be checked")
                out.append((where, schema_ptr, ex["value"]))
        for key, value in node.items():
            if key in ("schema", "example", "examples"):
                continue
            if pointer == "/components" and key == "schemas":
                for name, schema in value.items():
                    schema_examples(schema,
                                    f"/components/schemas/{escape(name)}",
                                    out)
                continue
            document_examples(doc, value, f"{pointer}/{escape(key)}", out)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            document_examples(doc, value, f"{pointer}/{i}", out)
    return out


def operations(doc):
    """(path, method, operation, pointer) of every operation."""
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield path, method, op, \
                    f"/paths/{escape(path)}/{method}"


def route_table():
    """{(pattern, method): access} of web/route_table.cpp."""
    with open(ROUTE_TABLE, encoding="utf-8") as f:
        text = f.read()
    start = text.find("static const std::vector<route> table")
    end = text.find("};", start)
    assert start >= 0 and end > start, "route table not found"
    rows = {}
    for method, pattern, who in ROUTE_ROW.findall(text[start:end]):
        key = (pattern, method.lower())
        assert key not in rows, f"route listed twice: {key}"
        rows[key] = {"any": "any", "anyone": "any", "user": "user"}[who]
    assert len(rows) >= 20, f"parsed only {len(rows)} routes: {rows}"
    return rows


def is_json_media(media):
    base = media.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


class DocumentTest(unittest.TestCase):
    """The document alone (no server)."""

    maxDiff = 4000

    @classmethod
    def setUpClass(cls):
        cls.doc = load_document()
        cls.schemas = Schemas(cls.doc)

    def test_openapi_31_shape(self):
        doc = self.doc
        self.assertEqual(doc["openapi"], "3.1.0")
        self.assertEqual(doc["info"]["title"], "Actodo")
        self.assertEqual(doc["info"]["version"], "1")
        self.assertEqual(doc["servers"], [{"url": "/"}])
        self.assertNotIn("security", doc)
        self.assertEqual(doc["components"]["securitySchemes"]["bearer"],
                         {**doc["components"]["securitySchemes"]["bearer"],
                          "type": "http", "scheme": "bearer",
                          "bearerFormat": "JWT"})
        ids = {}
        for path, item in doc["paths"].items():
            self.assertTrue(path.startswith("/"), path)
            for key in item:
                self.assertIn(key, ("get", "post", "patch", "delete",
                                    "parameters", "summary",
                                    "description"), f"{path}: {key}")
        for path, method, op, where in operations(doc):
            with self.subTest(op=f"{method.upper()} {path}"):
                for key in ("operationId", "summary", "description"):
                    self.assertIsInstance(op.get(key), str, key)
                    self.assertTrue(op[key].strip(), key)
                self.assertNotIn(op["operationId"], ids,
                                 f"operationId also used by "
                                 f"{ids.get(op['operationId'])}")
                ids[op["operationId"]] = f"{method.upper()} {path}"
                self.assertIsInstance(op.get("responses"), dict)
                self.assertTrue(op["responses"])
                self.assertIn(op.get("security"), ([], [{"bearer": []}]))
                if op["security"]:
                    self.assertIn("401", op["responses"])
                # Path parameters: exactly the template's, required, and
                # written out in the operation.
                template = set(re.findall(r"\{([^}/]+)\}", path))
                declared = {}
                for p in op.get("parameters", []):
                    q, _ = deref(doc, p, where)
                    self.assertIn(q["in"], ("path", "query", "header"), q)
                    self.assertIn("schema", q, q)
                    self.assertNotIn((q["name"], q["in"]), declared.values())
                    declared[len(declared)] = (q["name"], q["in"])
                    if q["in"] == "path":
                        self.assertNotIn("$ref", p, "path parameters are "
                                         "written out")
                        self.assertIs(q.get("required"), True, q)
                names = {n for n, kind in declared.values() if kind == "path"}
                self.assertEqual(names, template)
                for status, resp in op["responses"].items():
                    self.assertRegex(status, r"^[1-5][0-9][0-9]$")
                    resp, _ = deref(doc, resp, where)
                    self.assertTrue(resp.get("description"), status)
                    if int(status) >= 400:
                        content = resp.get("content", {})
                        self.assertEqual(list(content),
                                         ["application/problem+json"],
                                         f"{status}: {content}")
                        self.assertEqual(
                            content["application/problem+json"]["schema"],
                            {"$ref": "#/components/schemas/Problem"})
                    elif 200 <= int(status) < 300:
                        # A success with a JSON body has a schema and an
                        # example.
                        for media, m in resp.get("content", {}).items():
                            self.assertIn("schema", m, f"{status} {media}")
                            self.assertTrue("example" in m
                                            or m.get("examples"),
                                            f"{status} {media}: no example")
                body = op.get("requestBody")
                if body is not None:
                    body, _ = deref(doc, body, where)
                    self.assertTrue(body["content"])
                    for media, m in body["content"].items():
                        # Only the upload route (imports) takes files.
                        if (method, path) == ("post", "/api/v1/imports"):
                            self.assertIn(media, ("application/json",
                                                  "text/calendar",
                                                  "text/csv"))
                        else:
                            self.assertTrue(is_json_media(media), media)
                        self.assertIn("schema", m, media)
                        self.assertTrue("example" in m or m.get("examples"),
                                        f"request {media}: no example")

    def test_problem_schema(self):
        problem = self.doc["components"]["schemas"]["Problem"]
        self.assertEqual(set(problem["required"]),
                         {"type", "title", "status", "detail"})
        self.assertLessEqual({"type", "title", "status", "detail",
                              "instance", "field", "retry_after"},
                             set(problem["properties"]))
        for name, resp in self.doc["components"]["responses"].items():
            self.assertEqual(
                resp["content"]["application/problem+json"]["schema"],
                {"$ref": "#/components/schemas/Problem"}, name)

    def test_every_ref_resolves(self):
        refs = []

        def walk(node, pointer):
            if isinstance(node, dict):
                if isinstance(node.get("$ref"), str):
                    refs.append((pointer, node["$ref"]))
                for k, v in node.items():
                    walk(v, f"{pointer}/{escape(k)}")
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, f"{pointer}/{i}")

        walk(self.doc, "")
        self.assertGreater(len(refs), 100)
        for where, ref in refs:
            with self.subTest(where=where, ref=ref):
                self.assertTrue(ref.startswith("#/"), ref)
                try:
                    pointer_get(self.doc, ref[1:])
                except (KeyError, IndexError, TypeError, ValueError):
                    self.fail(f"{where}: $ref {ref} does not resolve")

    def test_paths_match_route_table(self):
        table = {k: v for k, v in route_table().items()
                 if k[0] != OPENAPI_ROUTE}
        documented = {}
        for path, method, op, _ in operations(self.doc):
            if path != OPENAPI_ROUTE:
                documented[(path, method)] = \
                    "user" if op.get("security") else "any"
        self.assertEqual(sorted(set(table) - set(documented)), [],
                         "routes without a description")
        self.assertEqual(sorted(set(documented) - set(table)), [],
                         "documented operations without a route")
        self.assertEqual(documented, table, "access differs")

    def test_examples_match_their_schemas(self):
        examples = document_examples(self.doc)
        # Every operation's JSON bodies have examples; a walk that found
        # few would check little.
        self.assertGreater(len(examples), 120)
        covered = set()
        for where, schema_ptr, instance in examples:
            covered.add(schema_ptr)
            with self.subTest(example=where):
                errors = self.schemas.errors(schema_ptr, instance)
                self.assertEqual(errors, [], f"{where} does not match "
                                 f"{schema_ptr}")
        for name in ("Todo", "TodoCreate", "TodoPatch", "Tags", "Due"):
            self.assertTrue(f"/components/schemas/{name}" in covered,
                            f"no example of {name} was checked")

    def test_validation_is_real(self):
        """The validator rejects what it must: type and format errors,
        unknown fields of request bodies, and errors behind `$ref`s."""
        s = self.schemas
        todo = "/components/schemas/Todo"
        good = s.doc["components"]["schemas"]["Todo"]["examples"][0]
        self.assertEqual(s.errors(todo, good), [])
        for patch in ({"version": "1"}, {"priority": "critical"},
                      {"created_at": "2026-13-01T00:00:00.000Z"},
                      {"created_at": "yesterday"}, {"due": "2026-02-30"},
                      {"completed_at": 5}, {"tags": ["a", 1]}):
            bad = dict(good, **patch)
            self.assertNotEqual(s.errors(todo, bad), [], patch)
        bad = dict(good)
        del bad["title"]
        self.assertNotEqual(s.errors(todo, bad), [])
        create = "/components/schemas/TodoCreate"
        self.assertEqual(s.errors(create, {"title": "x"}), [])
        for body in ({"title": "x", "id": "t_1"}, {"title": "x", "url": "u"},
                     {"title": "x", "bogus": 1}, {"notes": "no title"},
                     {"title": "x", "reminders": [
                         {"at": "2026-12-01T09:00:00Z", "offset": "-PT5M"}]},
                     {"title": "x", "recurrence": {"preset": "hourly"}}):
            self.assertNotEqual(s.errors(create, body), [], body)
        # Nested references: a page whose todo breaks the Reminder schema.
        page = {"items": [copy.deepcopy(good)], "next_cursor": None}
        self.assertEqual(s.errors("/components/schemas/TodoPage", page), [])
        page["items"][0]["reminders"] = [{"offset": "soon"}]
        self.assertNotEqual(s.errors("/components/schemas/TodoPage", page),
                            [])
        # And the schema of a response, through components/responses.
        problem_ptr = ("/components/responses/NotFound/content/"
                       "application~1problem+json/schema")
        self.assertEqual(s.errors(problem_ptr, {
            "type": "about:blank", "title": "Not Found", "status": 404,
            "detail": "no todo"}), [])
        self.assertNotEqual(s.errors(problem_ptr, {"status": 404}), [])


class LiveTest(ActodoTestCase):
    """Real answers of a running server match the documented responses."""

    @classmethod
    def setUpClass(cls):
        cls.doc = load_document()
        cls.schemas = Schemas(cls.doc)

    def check(self, resp, path, method, status=None):
        """Asserts `resp` is a documented response of `method path`: its
        status, the documented headers, the media type and the body
        against the schema. Returns the body."""
        doc = self.doc
        where = f"{method.upper()} {path}"
        op_ptr = f"/paths/{escape(path)}/{method}"
        op = pointer_get(doc, op_ptr)
        if status is not None:
            self.assertEqual(resp.status, status, f"{where}: {resp.body!r}")
        key = str(resp.status)
        self.assertIn(key, op["responses"],
                      f"{where} answered {resp.status}, which is not "
                      f"documented: {resp.body!r}")
        r, r_ptr = deref(doc, op["responses"][key],
                         f"{op_ptr}/responses/{key}")
        for name, header in r.get("headers", {}).items():
            header, h_ptr = deref(doc, header, f"{r_ptr}/headers/{name}")
            if name.lower() not in resp.headers:
                self.assertFalse(header.get("required"),
                                 f"{where} {key}: required header {name} "
                                 f"missing: {resp.headers}")
                continue
            schema, _ = deref(doc, header["schema"], f"{h_ptr}/schema")
            value = resp.headers[name.lower()]
            if schema.get("type") == "integer":
                value = int(value)
            errors = self.schemas.errors(f"{h_ptr}/schema", value)
            self.assertEqual(errors, [], f"{where} {key} header {name}")
        content = r.get("content")
        if not content:
            self.assertIn(resp.body, (b"", ""),
                          f"{where} {key}: a body that is not documented")
            return None
        ctype = resp.headers.get("content-type", "")
        media = ctype if ctype in content else next(
            (m for m in content if m.split(";")[0].strip()
             == ctype.split(";")[0].strip()), None)
        self.assertIsNotNone(media, f"{where} {key}: Content-Type {ctype!r} "
                             f"is not one of {list(content)}")
        body = resp.body
        if is_json_media(media):
            self.assertIsInstance(body, (dict, list),
                                  f"{where} {key}: not JSON: {body!r}")
        elif isinstance(body, bytes):
            body = body.decode("utf-8")
        schema_ptr = f"{r_ptr}/content/{escape(media)}/schema"
        errors = self.schemas.errors(schema_ptr, body)
        self.assertEqual(errors, [], f"{where} {key}: the body does not "
                         f"match {schema_ptr}: {json.dumps(body)[:2000]}")
        return body

    def check_frame(self, frame, schema):
        errors = self.schemas.errors(f"/components/schemas/{schema}", frame)
        self.assertEqual(errors, [], f"{schema}: {frame}")

    def request_example(self, path, method, name=None):
        """The documented request body example (named, or the only one)."""
        op = self.doc["paths"][path][method]
        m = op["requestBody"]["content"]["application/json"]
        if name is None:
            return copy.deepcopy(m["example"])
        return copy.deepcopy(m["examples"][name]["value"])

    def test_api_answers_match_the_document(self):
        srv = self.server(extra_args=["--webhooks.allow-private"])
        check = self.check
        todos = "/api/v1/todos"
        one = "/api/v1/todos/{id}"

        # -- probes and account
        check(srv.get("/healthz"), "/healthz", "get", 200)
        check(srv.get("/readyz"), "/readyz", "get", 200)
        check(srv.get("/metrics"), "/metrics", "get", 200)
        me = check(srv.get("/api/v1/me"), "/api/v1/me", "get", 200)
        self.assertEqual(me, {"id": "local", "username": "local",
                              "auth": "local", "time_zone": None})

        # -- writes, synchronous and not; the documented examples are
        # accepted as they are.
        recurring = check(
            srv.request("POST", todos, self.request_example(
                todos, "post", "recurring"), {"Prefer": WAIT}),
            todos, "post", 201)
        self.assertIsNotNone(recurring["recurrence"])
        simple = check(
            srv.request("POST", todos, self.request_example(
                todos, "post", "simple"), {"Prefer": WAIT}),
            todos, "post", 201)
        accepted = check(srv.request("POST", todos, {"title": "async"}),
                         todos, "post", 202)
        self.assertEqual(srv.request("POST", todos, {"title": "async"})
                         .status, 202)
        rid = accepted["request_id"]
        done = srv.wait_request(rid)
        status = check(srv.get(f"/api/v1/requests/{rid}"),
                       "/api/v1/requests/{id}", "get", 200)
        self.assertEqual(status, done)
        self.assertEqual(status["status"], 201)

        # -- reads
        tid = simple["id"]
        got = check(srv.get(f"{todos}/{tid}"), one, "get", 200)
        self.assertEqual(got, simple)
        check(srv.get(f"{todos}/{tid}", {"If-None-Match": '"1"'}), one, "get",
              304)
        page = check(srv.get(f"{todos}?limit=1"), todos, "get", 200)
        self.assertIsInstance(page["next_cursor"], str)
        cursor = urllib.parse.quote(page["next_cursor"])
        check(srv.get(f"{todos}?limit=2&cursor={cursor}"), todos, "get", 200)
        check(srv.get(f"{todos}?sort=due,-priority&priority=high"
                      f"&priority=medium&tag=home&completed=false&q=milk"
                      f"&due_before=2027-01-01&due_after=2026-01-01"),
              todos, "get", 200)

        # -- updates
        patched = check(srv.request(
            "PATCH", f"{todos}/{tid}",
            self.request_example(one, "patch", "complete"),
            {"Prefer": WAIT, "If-Match": '"1"'}), one, "patch", 200)
        self.assertEqual(patched["version"], 2)
        check(srv.request("PATCH", f"{todos}/{tid}",
                          self.request_example(one, "patch", "reschedule")),
              one, "patch", 202)
        check(srv.request("PATCH", f"{todos}/{tid}", {"completed": False},
                          {"Prefer": WAIT, "If-Match": '"1"'}),
              one, "patch", 412)
        check(srv.request("PATCH", f"{todos}/t_missing", {"completed": True}),
              one, "patch", 202)
        check(srv.request("PATCH", f"{todos}/t_missing", {"completed": True},
                          {"Prefer": WAIT}), one, "patch", 404)

        # -- recurrence and reminders
        rec = recurring["id"]
        check(srv.get(f"{todos}/{rec}/occurrences?limit=3"),
              "/api/v1/todos/{id}/occurrences", "get", 200)
        check(srv.get(f"{todos}/{tid}/occurrences"),
              "/api/v1/todos/{id}/occurrences", "get", 404)
        check(srv.get("/api/v1/occurrences?preset=weekdays"
                      "&due=2026-12-01T09:00:00%2B01:00"
                      "&time_zone=Europe/Berlin&exdate=2026-12-02&limit=3"),
              "/api/v1/occurrences", "get", 200)
        check(srv.get("/api/v1/occurrences?rrule=FREQ=DAILY"),
              "/api/v1/occurrences", "get", 400)
        snooze = "/api/v1/todos/{id}/reminders/{n}/snooze"
        dismiss = "/api/v1/todos/{id}/reminders/{n}/dismiss"
        check(srv.request("POST", f"{todos}/{rec}/reminders/0/snooze",
                          self.request_example(snooze, "post", "for"),
                          {"Prefer": WAIT}), snooze, "post", 200)
        check(srv.request("POST", f"{todos}/{rec}/reminders/0/snooze",
                          {"for": "PT1H"}), snooze, "post", 202)
        check(srv.request("POST", f"{todos}/{rec}/reminders/0/snooze",
                          {"for": "PT1H", "until": "2030-01-01T00:00:00Z"}),
              snooze, "post", 400)
        check(srv.request("POST", f"{todos}/{rec}/reminders/1/dismiss",
                          headers={"Prefer": WAIT}), dismiss, "post", 200)
        check(srv.request("POST", f"{todos}/{rec}/reminders/1/dismiss", {},
                          {"Prefer": WAIT}), dismiss, "post", 200)
        check(srv.request("POST", f"{todos}/{rec}/reminders/7/dismiss",
                          headers={"Prefer": WAIT}), dismiss, "post", 404)

        # -- problems
        bad = check(srv.request("POST", todos, {"title": ""}), todos, "post",
                    400)
        self.assertEqual(bad["field"], "title")
        check(srv.request("POST", todos, {"title": "x", "id": "t_1"}),
              todos, "post", 400)
        check(srv.get(f"{todos}?limit=0"), todos, "get", 400)
        check(srv.get(f"{todos}/t_missing"), one, "get", 404)
        check(srv.get("/api/v1/requests/r_missing"), "/api/v1/requests/{id}",
              "get", 404)
        check(srv.request("POST", todos, '{"title":"x"}',
                          {"Content-Type": "text/plain"}), todos, "post", 415)
        check(srv.request("POST", todos, {"title": "a"},
                          {"Idempotency-Key": "k-1"}), todos, "post", 202)
        check(srv.request("POST", todos, {"title": "b"},
                          {"Idempotency-Key": "k-1"}), todos, "post", 422)
        check(srv.request("POST", todos, {"title": "a"},
                          {"Prefer": "wait=soon"}), todos, "post", 400)
        check(srv.get("/api/v1/ws"), "/api/v1/ws", "get", 426)
        check(srv.get("/api/v1/events?after=-1"), "/api/v1/events", "get",
              400)

        # -- deletes
        extra = srv.create("to delete")
        check(srv.request("DELETE", f"{todos}/{extra['id']}",
                          headers={"Prefer": WAIT, "If-Match": '"1"'}),
              one, "delete", 204)
        extra = srv.create("to delete later")
        check(srv.request("DELETE", f"{todos}/{extra['id']}"), one,
              "delete", 202)

        # -- the event log: every kind of event written above
        events = check(srv.get("/api/v1/events?after=0&limit=1000"),
                       "/api/v1/events", "get", 200)
        kinds = {e["type"] for e in events["items"]}
        self.assertLessEqual({"todo.created", "todo.completed",
                              "todo.updated", "todo.deleted",
                              "todo.reminder.snoozed",
                              "todo.reminder.dismissed"}, kinds)
        check(srv.get("/api/v1/events?after=2&limit=1"), "/api/v1/events",
              "get", 200)

        # -- webhooks
        hooks = "/api/v1/webhooks"
        hook = "/api/v1/webhooks/{id}"
        created = check(srv.request("POST", hooks, {
            "url": "http://127.0.0.1:9/x", "events": ["todo.*"],
            "description": "discard"}), hooks, "post", 201)
        wid = created["id"]
        self.assertEqual(srv.get(hooks).body["items"][0]["id"], wid)
        check(srv.get(hooks), hooks, "get", 200)
        check(srv.get(f"{hooks}/{wid}"), hook, "get", 200)
        check(srv.request("POST", hooks, {"url": "ftp://x/",
                                          "events": ["todo.*"]}),
              hooks, "post", 400)
        check(srv.request("POST", hooks, {"url": "http://127.0.0.1:9/x",
                                          "events": ["todo.*"], "x": 1}),
              hooks, "post", 400)
        srv.create("for the webhook")  # one delivery attempt, refused
        deliveries = f"{hooks}/{wid}/deliveries"
        deadline = time.monotonic() + 10
        while True:
            got = check(srv.get(f"{deliveries}?limit=5"),
                        "/api/v1/webhooks/{id}/deliveries", "get", 200)
            if got["items"] or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertTrue(got["items"], "no delivery attempt recorded")
        self.assertIsNone(got["items"][0]["status"])
        check(srv.get(f"{deliveries}?limit=0"),
              "/api/v1/webhooks/{id}/deliveries", "get", 400)
        off = check(srv.request("PATCH", f"{hooks}/{wid}",
                                self.request_example(hook, "patch",
                                                     "disable")),
                    hook, "patch", 200)
        self.assertIn("disabled_reason", off)
        on = check(srv.request("PATCH", f"{hooks}/{wid}", {"enabled": True}),
                   hook, "patch", 200)
        self.assertNotIn("disabled_reason", on)
        check(srv.request("POST", f"{hooks}/{wid}/replay",
                          {"from_sequence": 1}),
              "/api/v1/webhooks/{id}/replay", "post", 202)
        check(srv.request("POST", f"{hooks}/{wid}/replay",
                          {"from_sequence": 0}),
              "/api/v1/webhooks/{id}/replay", "post", 400)
        check(srv.request("DELETE", f"{hooks}/{wid}"), hook, "delete", 204)
        check(srv.get(f"{hooks}/{wid}"), hook, "get", 404)

        # -- accounts (they work in local mode too)
        creds = {"username": "openapi-user", "password": "correct horse"}
        check(srv.request("POST", "/api/v1/auth/register", creds),
              "/api/v1/auth/register", "post", 201)
        check(srv.request("POST", "/api/v1/auth/register", creds),
              "/api/v1/auth/register", "post", 409)
        pair = check(srv.request("POST", "/api/v1/auth/login", creds),
                     "/api/v1/auth/login", "post", 200)
        check(srv.request("POST", "/api/v1/auth/login",
                          dict(creds, password="wrong password")),
              "/api/v1/auth/login", "post", 401)
        pair = check(srv.request("POST", "/api/v1/auth/refresh",
                                 {"refresh_token": pair["refresh_token"]}),
                     "/api/v1/auth/refresh", "post", 200)
        check(srv.request("POST", "/api/v1/auth/logout",
                          {"refresh_token": pair["refresh_token"]}),
              "/api/v1/auth/logout", "post", 204)
        check(srv.request("POST", "/api/v1/auth/logout", {"token": "x"}),
              "/api/v1/auth/logout", "post", 400)

        # -- Todo-Backend (last: it deletes everything)
        created = check(srv.request("POST", "/todos", self.request_example(
            "/todos", "post")), "/todos", "post", 201)
        self.assertTrue(created["url"].endswith(f"/todos/{created['id']}"))
        check(srv.get("/todos"), "/todos", "get", 200)
        check(srv.get(f"/todos/{created['id']}"), "/todos/{id}", "get", 200)
        check(srv.request("PATCH", f"/todos/{created['id']}",
                          self.request_example("/todos/{id}", "patch")),
              "/todos/{id}", "patch", 200)
        check(srv.request("PATCH", "/todos/t_missing", {"completed": True}),
              "/todos/{id}", "patch", 404)
        check(srv.request("DELETE", f"/todos/{created['id']}"),
              "/todos/{id}", "delete", 204)
        check(srv.request("DELETE", "/todos"), "/todos", "delete", 204)
        self.assertEqual(check(srv.get("/todos"), "/todos", "get", 200), [])

    def test_websocket_frames_match_the_document(self):
        srv = self.server()
        todo = srv.create("before the socket")
        ws = srv.ws(after=0)
        welcome = recv_json(ws)
        self.check_frame(welcome, "WelcomeFrame")
        replay = recv_json(ws)
        self.check_frame(replay, "EventFrame")
        self.assertEqual(replay["event"]["subject"], todo["id"])
        command = {"type": "command", "request_id": "oa-1", "op": "create",
                   "body": {"title": "over the socket"}}
        self.check_frame(command, "CommandFrame")
        ws.send(json.dumps(command))
        frames = recv_until(ws, lambda fs: any(
            f.get("type") == "result" for f in fs) and any(
            f.get("type") == "event" for f in fs))
        for f in frames:
            self.check_frame(f, {"result": "ResultFrame",
                                 "event": "EventFrame"}[f["type"]])
        ws.send(json.dumps({"type": "command", "op": "create", "body": {}}))
        error = recv_json(ws)
        self.check_frame(error, "ErrorFrame")
        self.assertEqual(error["status"], 400)

    def test_token_mode_answers_match_the_document(self):
        srv = self.server(extra_args=["--auth=token"])
        check = self.check
        denied = check(srv.get("/api/v1/todos"), "/api/v1/todos", "get",
                       401)
        self.assertEqual(denied["field"], "Authorization")
        check(srv.get("/api/v1/me", {"Authorization": "Bearer x.y.z"}),
              "/api/v1/me", "get", 401)
        creds = {"username": "Alice", "password": "correct horse battery"}
        account = check(srv.request("POST", "/api/v1/auth/register", creds),
                        "/api/v1/auth/register", "post", 201)
        check(srv.request("POST", "/api/v1/auth/register",
                          {"username": "x", "password": "correct horse"}),
              "/api/v1/auth/register", "post", 400)
        pair = check(srv.request("POST", "/api/v1/auth/login", creds),
                     "/api/v1/auth/login", "post", 200)
        auth = {"Authorization": f"Bearer {pair['access_token']}"}
        me = check(srv.get("/api/v1/me", auth), "/api/v1/me", "get", 200)
        self.assertEqual(me, dict(account, time_zone=None))
        me = check(srv.request("PATCH", "/api/v1/me",
                               {"time_zone": "Europe/Berlin"}, auth),
                   "/api/v1/me", "patch", 200)
        self.assertEqual(me, dict(account, time_zone="Europe/Berlin"))
        check(srv.request("POST", "/api/v1/todos", {"title": "mine"},
                          dict(auth, Prefer=WAIT)), "/api/v1/todos", "post",
              201)
        check(srv.get("/healthz"), "/healthz", "get", 200)

    def test_json_export_is_a_documented_json_import(self):
        """Every todo `GET /api/v1/export?format=json` writes is a valid
        element of the `application/json` body of `POST /api/v1/imports`,
        in the document the server serves and in web/openapi.json; the
        export answer matches its documented response (`project` too) and
        the server accepts the file back."""
        srv = self.server()
        check = self.check
        home = srv.request("POST", "/api/v1/projects", {"name": "Home"},
                           {"Prefer": WAIT})
        self.assertEqual(home.status, 201, home.body)
        pid = home.body["id"]
        parent = srv.create(
            "in a project", project_id=pid, notes="2 l, organic",
            tags=["home", "b,c"], priority="high",
            due="2026-12-24T09:00:00+01:00", time_zone="Europe/Berlin",
            reminders=[{"offset": "-PT15M"},
                       {"at": "2026-12-24T07:00:00Z", "misfire": "skip"}])
        srv.create("subtask", parent_id=parent["id"], project_id=pid)
        series = srv.create(
            "weekly", due="2026-12-07T08:30:00-05:00",
            time_zone="America/New_York",
            recurrence={"rrule": "FREQ=WEEKLY;BYDAY=MO",
                        "exdates": ["2026-12-14T08:30:00"],
                        "mode": "from_due"})
        srv.patch(series["id"], {"completed": True})  # the next occurrence
        once = srv.create("once", due="2026-12-01",
                          recurrence={"rrule": "FREQ=DAILY;COUNT=1"})
        srv.patch(once["id"], {"completed": True})  # the series ends
        done = srv.create("done", tags=["x"])
        srv.patch(done["id"], {"completed": True})
        srv.create("archived", archived=True, order=-2.5)
        srv.create("plain")

        resp = srv.get("/api/v1/export?format=json")
        exported = check(resp, "/api/v1/export", "get", 200)
        self.assertEqual(len(exported), 8, exported)
        # The shapes this test is about are all there.
        self.assertEqual({t["project"] for t in exported}, {"Home", "Inbox"})
        self.assertTrue(any(t["parent_id"] for t in exported))
        self.assertTrue(any(t["completed_at"] for t in exported))
        self.assertTrue(any(t["reminders"] for t in exported))
        self.assertTrue(any(t["archived"] for t in exported))
        self.assertTrue(any(t["recurrence"] and t["recurrence"]["next_id"]
                            for t in exported))
        self.assertTrue(any(t["recurrence"] and t["recurrence"]["ended"]
                            for t in exported), exported)

        import_schema = ("/paths/~1api~1v1~1imports/post/requestBody/"
                         "content/application~1json/schema")
        served = srv.get(OPENAPI_ROUTE)
        self.assertEqual(served.status, 200)
        for where, doc in (("served " + OPENAPI_ROUTE, served.body),
                           ("web/openapi.json", self.doc)):
            with self.subTest(document=where):
                schemas = Schemas(doc)
                errors = schemas.errors(import_schema, exported)
                self.assertEqual(errors, [], f"{where}: the JSON export "
                                 "is not a valid import body")
                # Typed, not `{}`: a wrong type or an unknown member is
                # still refused.
                for extra in ({"bogus": 1}, {"version": "2"},
                              {"project": 5}, {"parent_id": 7},
                              {"created_at": "yesterday"}):
                    bad = [dict(exported[0], **extra)]
                    self.assertNotEqual(schemas.errors(import_schema, bad),
                                        [], f"{where}: {extra}")

        # And the server takes the file back.
        accepted = check(srv.request("POST", "/api/v1/imports", exported),
                         "/api/v1/imports", "post", 202)
        deadline = time.monotonic() + 20
        while True:
            job = check(srv.get(f"/api/v1/jobs/{accepted['job_id']}"),
                        "/api/v1/jobs/{id}", "get", 200)
            if job["state"] not in ("queued", "running") \
                    or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertEqual((job["state"], job["done"], job["failed"]),
                         ("done", len(exported), 0), job)

    def test_served_document(self):
        """GET /api/v1/openapi.json (a route of the table, open to anyone)
        serves this very document."""
        self.assertEqual(route_table().get((OPENAPI_ROUTE, "get")), "any")
        srv = self.server(extra_args=["--auth=token"])
        resp = srv.get(OPENAPI_ROUTE)
        body = self.check(resp, OPENAPI_ROUTE, "get", 200)
        if body != self.doc:
            differ = sorted(k for k in set(body) | set(self.doc)
                            if body.get(k) != self.doc.get(k))
            self.fail("the served document is not web/openapi.json; "
                      f"these members differ: {differ}")


if __name__ == "__main__":
    unittest.main()
