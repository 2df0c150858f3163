-- wrk script: the issue's write line, POST /api/v1/todos (202 once
-- durable). Used by bench/wrk_bench.sh writes.
wrk.method = "POST"
wrk.body = '{"title":"buy milk","priority":"high","tags":["home"],'
  .. '"due":"2026-12-24"}'
wrk.headers["Content-Type"] = "application/json"
