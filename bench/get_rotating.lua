-- wrk: GET the URL with each request's own `cursor` query parameter, taken in turn from a file.
--
--   wrk -s get_rotating.lua -H 'Authorization: Bearer ...' URL_WITH_QUERY -- CURSORS_FILE
--
-- CURSORS_FILE has one cursor per line (bench/api_throughput.py writes cursors that lie before
-- every task, so each names the first page). Why: the API shares one database read among
-- concurrent requests for the same page of the same user (ADR 0096's addendum), so the same
-- URL from every connection measures that sharing, not a read from PostgreSQL; requests with
-- cursors of their own each read PostgreSQL. More cursors than connections, and one request
-- in flight per connection, so no two requests in flight ever share one.

local cursors = {}
local next_index = 1

function init(args)
   for line in io.lines(args[1]) do
      if line ~= "" then
         table.insert(cursors, line)
      end
   end
end

function request()
   local cursor = cursors[next_index]
   next_index = next_index % #cursors + 1
   local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
   return wrk.format(nil, wrk.path .. separator .. "cursor=" .. cursor)
end
