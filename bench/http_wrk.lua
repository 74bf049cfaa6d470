-- wrk script of bench/http.py: the method, path, headers and the codes to go through come from the
-- environment. A path with {code} takes the codes in turn (each thread its own half); {action} alternates
-- pause and resume, each dossier paused on one pass through the codes and resumed on the next.
local method = os.getenv("BENCH_METHOD")
local template = os.getenv("BENCH_PATH")
local headers = {}
for name, value in string.gmatch(os.getenv("BENCH_HEADERS"), '"([^"]+)": "([^"]+)"') do
  headers[name] = value
end
if method == "POST" then
  headers["Content-Type"] = "application/json"
end
local codes = {}
for code in string.gmatch(os.getenv("BENCH_CODES") or "", "[^\n]+") do
  table.insert(codes, code)
end
local offset = tonumber(os.getenv("BENCH_OFFSET") or "0")
local threads = 0

function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

local counter = 0

request = function()
  local path = template
  if #codes > 0 then
    local half = math.floor(#codes / 2)
    local i = counter % half
    local pass = math.floor(counter / half)
    local index = (thread_number or 0) * half + ((i + offset) % half) + 1
    path = string.gsub(path, "{code}", codes[index])
    path = string.gsub(path, "{action}", (pass % 2 == 0) and "pause" or "resume")
  end
  counter = counter + 1
  local body = nil
  if method == "POST" then
    body = (string.find(path, "pause") and '{"reason": "other"}') or "{}"
  end
  return wrk.format(method, path, headers, body)
end
