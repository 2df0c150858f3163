-- wrk script: actodo_bench's reads mix (bench/reads_scenario.cpp), the six
-- list queries round-robin. Used by bench/wrk_bench.sh reads.
local queries = {
  "/api/v1/todos?limit=50",
  "/api/v1/todos?limit=50&priority=high",
  "/api/v1/todos?limit=50&q=abc",
  "/api/v1/todos?limit=50&sort=-priority",
  "/api/v1/todos?limit=50&tag=home&sort=due,-priority",
  "/api/v1/todos?limit=50&completed=false&priority=urgent&sort=due",
}
local next = 0

request = function()
  next = next % #queries + 1
  return wrk.format("GET", queries[next])
end
