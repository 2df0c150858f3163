"""create -> complete -> delete cycles against a running actodo (local
auth). Usage: storage_cycles.py PORT CYCLES; prints the number of commands."""
import http.client
import json
import sys

port, cycles = int(sys.argv[1]), int(sys.argv[2])
conn = http.client.HTTPConnection("127.0.0.1", port)


def call(method, path, body=None, key=None):
    headers = {"Content-Type": "application/json", "Prefer": "wait=10"}
    if key:
        headers["Idempotency-Key"] = key
    conn.request(method, path,
                 body=None if body is None else json.dumps(body),
                 headers=headers)
    res = conn.getresponse()
    return res.status, res.read()


commands = 0
for i in range(cycles):
    status, data = call("POST", "/api/v1/todos",
                        {"title": f"cycle {i} buy milk and bread",
                         "tags": ["home", "errand"], "priority": "medium",
                         "notes": "two litres"}, key=f"k-{i}")
    assert status == 201, (status, data)
    todo = json.loads(data)["id"]
    status, data = call("PATCH", f"/api/v1/todos/{todo}", {"completed": True})
    assert status == 200, (status, data)
    status, data = call("DELETE", f"/api/v1/todos/{todo}")
    assert status in (200, 204), (status, data)
    commands += 3
print(commands)
