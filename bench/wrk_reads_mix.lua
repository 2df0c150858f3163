-- wrk script: GET the targets given after `--`, round-robin. bench/
-- wrk_bench.sh passes actodo_bench's reads mix (bench/reads_scenario.cpp).
local queries = {}
local next = 0

function init(args)
  for i, target in ipairs(args) do
    queries[i] = target
  end
  if #queries == 0 then
    error("wrk_reads_mix.lua: give the targets after --")
  end
end

request = function()
  next = next % #queries + 1
  return wrk.format("GET", queries[next])
end
