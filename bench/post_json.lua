-- wrk: POST one constant JSON body, e.g. a login or a task to create.
--
--   wrk -s post_json.lua [-H 'Authorization: Bearer ...'] URL -- '<json body>'
--
-- Headers given with -H (wrk.headers) are sent too. The request is formatted once.

local request_text

function init(args)
   local headers = { ["Content-Type"] = "application/json" }
   for name, value in pairs(wrk.headers) do
      headers[name] = value
   end
   request_text = wrk.format("POST", wrk.path, headers, args[1])
end

function request()
   return request_text
end
