-- wrk: PATCH tasks with If-Match, each request with the task's current version.
--
--   wrk -s patch_task.lua -H 'Authorization: Bearer ...' URL_OF_TASKS -- TASKS_FILE
--
-- URL_OF_TASKS is .../api/projects/<project>/tasks; TASKS_FILE has one "<task id> <version>"
-- line per task, twice as many tasks as connections (bench/api_throughput.py writes it
-- from a fresh read before each run).
--
-- The choice: a pool of idle tasks rather than a task per connection (wrk's Lua does not say
-- which connection a request goes out on). request() takes an idle task and sends its last
-- known version as If-Match; response() reads the task id from the body and the new version
-- from the ETag header, and puts the task back. At most one request per connection is in
-- flight, so with more tasks than connections no two requests ever race for one task and a
-- 412 means a bug, not contention. A failed response carries no task id: that task leaves
-- the pool, and if the pool ever runs dry the last task is reused (its requests then fail,
-- and show up as errors).

local idle = {}
local version = {}
local headers = {}
local last
local counter = 0
statuses = {} -- a global: done() reads it with thread:get
local threads = {}

function init(args)
   for line in io.lines(args[1]) do
      local id, v = string.match(line, "^(%S+)%s+(%d+)")
      if id then
         version[id] = v
         table.insert(idle, id)
         last = id
      end
   end
   for name, value in pairs(wrk.headers) do
      headers[name] = value
   end
   headers["Content-Type"] = "application/json"
end

function request()
   local id = table.remove(idle) or last
   counter = counter + 1
   headers["If-Match"] = '"' .. version[id] .. '"'
   return wrk.format(
      "PATCH", wrk.path .. "/" .. id, headers, '{"title":"Bench update ' .. counter .. '"}'
   )
end

function response(status, response_headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   local id = string.match(body, '"id"%s*:%s*"([%x%-]+)"')
   if id and version[id] then
      local etag = response_headers["etag"] or response_headers["ETag"]
      local v = etag and string.match(etag, "(%d+)")
      if v then
         version[id] = v
      end
      table.insert(idle, id)
   end
end

function setup(thread)
   table.insert(threads, thread)
end

-- The statuses seen, on one line (wrk only counts non-2xx): "PATCH statuses: 200=123 412=1".
function done(summary, latency, requests)
   local counts = {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses") or {}) do
         counts[status] = (counts[status] or 0) + count
      end
   end
   local parts = {}
   for status, count in pairs(counts) do
      table.insert(parts, status .. "=" .. count)
   end
   table.sort(parts)
   io.write("PATCH statuses: " .. table.concat(parts, " ") .. "\n")
end
