-- socket.http: an HTTP/1.1 client, the API of LuaSocket's socket.http
-- module, written for sockplay on its LuaSocket objects.
--
--   body, code, headers, status = http.request(url [, body])
--   1, code, headers, status = http.request{url = ..., sink = ...,
--       method = ..., headers = ..., source = ..., step = ...,
--       proxy = ..., redirect = ..., maxredirects = ..., create = ...}
--
-- Failures return nil and an error message. Responses may come with a
-- Content-Length, chunked, or until the server closes; redirects (301,
-- 302, 303, 307) of GET and HEAD are followed, 5 at most.

local socket = require("socket")
local url = require("socket.url")
local ltn12 = require("ltn12")
local mime = require("mime")
local headers_mod = require("socket.headers")

local M = {
  TIMEOUT = 60,              -- seconds each socket operation may wait
  USERAGENT = socket._VERSION,
  PROXY = nil,               -- "http://host:port", for every request
}
socket.http = M

local SCHEMES = {
  http = {
    port = 80,
    create = function() return socket.tcp end,
  },
}
M.schemes = SCHEMES

-- read_headers reads header lines up to the empty one into t (names in
-- lower case; a repeated header's values joined with ", ", continuation
-- lines appended).
local function read_headers(sock, t)
  t = t or {}
  local line, err = sock:receive()
  if err then return nil, err end
  while line ~= "" do
    local name, value = line:match("^(.-):%s*(.*)")
    if not name then return nil, "malformed response headers" end
    name = name:lower()
    line, err = sock:receive()
    if err then return nil, err end
    while line:find("^%s") do
      value = value .. line
      line, err = sock:receive()
      if err then return nil, err end
    end
    if t[name] then t[name] = t[name] .. ", " .. value else t[name] = value end
  end
  return t
end

-- Chunked transfer coding, as an LTN12 source (responses) and sink
-- (request bodies of unknown length).
socket.sourcet["http-chunked"] = function(sock, hdrs)
  return setmetatable({
    getfd = function() return sock:getfd() end,
    dirty = function() return sock:dirty() end,
  }, {
    __call = function()
      local line, err = sock:receive()
      if err then return nil, err end
      local size = tonumber((line:gsub(";.*", "")), 16)
      if not size then return nil, "invalid chunk size" end
      if size == 0 then
        -- The last chunk: trailers may follow, then the end.
        local ok, terr = read_headers(sock, hdrs)
        if not ok then return nil, terr end
        return nil
      end
      local chunk, cerr = sock:receive(size)
      if chunk then sock:receive() end -- the CRLF after the chunk
      return chunk, cerr
    end,
  })
end

socket.sinkt["http-chunked"] = function(sock)
  return setmetatable({
    getfd = function() return sock:getfd() end,
    dirty = function() return sock:dirty() end,
  }, {
    __call = function(_, chunk)
      if chunk == nil then return sock:send("0\r\n\r\n") end
      return sock:send(("%X\r\n"):format(#chunk) .. chunk .. "\r\n")
    end,
  })
end

-- A connection: the socket and a try that closes it on failure.
local conn = {}
conn.__index = conn

-- http.open(host, port [, create]) -> connection
function M.open(host, port, create)
  local c = socket.try((create or socket.tcp)())
  local h = setmetatable({ c = c }, conn)
  h.try = socket.newtry(function() h:close() end)
  h.try(c:settimeout(M.TIMEOUT))
  h.try(c:connect(host, port))
  return h
end

function conn:sendrequestline(method, uri)
  return self.try(self.c:send(("%s %s HTTP/1.1\r\n"):format(method or "GET", uri)))
end

function conn:sendheaders(hdrs)
  local canonic = headers_mod.canonic
  local lines = {}
  for name, value in pairs(hdrs) do
    lines[#lines + 1] = (canonic[name] or name) .. ": " .. value .. "\r\n"
  end
  lines[#lines + 1] = "\r\n"
  self.try(self.c:send(table.concat(lines)))
  return 1
end

function conn:sendbody(hdrs, src, step)
  local mode = hdrs["content-length"] and "keep-open" or "http-chunked"
  return self.try(ltn12.pump.all(src or ltn12.source.empty(),
    socket.sink(mode, self.c), step or ltn12.pump.step))
end

-- receivestatusline -> code, status line | nil, what came (HTTP/0.9)
function conn:receivestatusline()
  local head, err = self.try(self.c:receive(5))
  if head ~= "HTTP/" then
    if err == "timeout" then return 408 end
    return nil, head
  end
  local status = self.try(self.c:receive("*l", head))
  local code = status:match("HTTP/%d*%.%d* (%d%d%d)")
  return self.try(tonumber(code), status)
end

function conn:receiveheaders()
  return self.try(read_headers(self.c))
end

function conn:receivebody(hdrs, snk, step)
  local mode, length = "default", tonumber(hdrs["content-length"])
  local te = hdrs["transfer-encoding"]
  if te and te ~= "identity" then
    mode = "http-chunked"
  elseif length then
    mode = "by-length"
  end
  return self.try(ltn12.pump.all(socket.source(mode, self.c, length),
    snk or ltn12.sink.null(), step or ltn12.pump.step))
end

-- An HTTP/0.9 answer has no status line: what was read of it is the
-- start of the body.
function conn:receive09body(start, snk, step)
  local src = ltn12.source.rewind(socket.source("until-closed", self.c))
  src(start)
  return self.try(ltn12.pump.all(src, snk, step))
end

function conn:close()
  return self.c:close()
end

local defaults = { path = "/", scheme = "http" }

-- request_uri is what follows the method: the path (and params, query)
-- or, through a proxy, the whole URL.
local function request_uri(req)
  if req.proxy or M.PROXY then return url.build(req) end
  return url.build({
    path = socket.try(req.path, "invalid path 'nil'"),
    params = req.params,
    query = req.query,
    fragment = req.fragment,
  })
end

local function request_headers(req)
  local host = req.host
  if tostring(req.port) ~= tostring(SCHEMES[req.scheme].port) then
    host = host .. ":" .. tostring(req.port)
  end
  local h = {
    ["user-agent"] = M.USERAGENT,
    ["host"] = host,
    ["connection"] = "close, TE",
    ["te"] = "trailers",
  }
  if req.user and req.password then
    h["authorization"] = "Basic " .. mime.b64(req.user .. ":" .. url.unescape(req.password))
  end
  local proxy = req.proxy or M.PROXY
  if proxy then
    local p = url.parse(proxy)
    if p.user and p.password then
      h["proxy-authorization"] = "Basic " .. mime.b64(p.user .. ":" .. p.password)
    end
  end
  -- The caller's headers replace these (names compared in lower case).
  for name, value in pairs(req.headers or {}) do h[name:lower()] = value end
  return h
end

-- prepare fills in a request table: the URL's parts, defaults, headers,
-- and where to connect (a proxy, if any).
local function prepare(reqt)
  local req = reqt.url and url.parse(reqt.url, defaults) or {}
  for k, v in pairs(reqt) do req[k] = v end
  local scheme = SCHEMES[req.scheme]
  if not scheme then socket.try(nil, "unknown scheme '" .. tostring(req.scheme) .. "'") end
  req.create = req.create or scheme.create(req)
  if not req.port or req.port == "" then req.port = scheme.port end
  if not req.method or req.method == "" then req.method = "GET" end
  if not req.host or req.host == "" then
    socket.try(nil, "invalid host '" .. tostring(req.host) .. "'")
  end
  req.uri = reqt.uri or request_uri(req)
  req.headers = request_headers(req)
  if req.source and not req.headers["content-length"] and not req.headers["transfer-encoding"] then
    req.headers["transfer-encoding"] = "chunked"
  end
  local proxy = req.proxy or M.PROXY
  if proxy then
    local p = url.parse(proxy)
    req.host, req.port = p.host, p.port or 3128
    if not reqt.create then req.create = SCHEMES[p.scheme or "http"].create(req) end
  end
  return req
end

local function should_redirect(req, code, hdrs)
  local location = hdrs.location and hdrs.location:gsub("%s", "")
  if not location or location == "" then return false end
  local scheme = url.parse(url.absolute(req.url, location)).scheme
  if scheme and not SCHEMES[scheme] then return false end
  return req.redirect ~= false
    and (code == 301 or code == 302 or code == 303 or code == 307)
    and (not req.method or req.method == "GET" or req.method == "HEAD")
    and (req.maxredirects == false or (req.nredirects or 0) < (req.maxredirects or 5))
end

local function has_body(req, code)
  return req.method ~= "HEAD" and code ~= 204 and code ~= 304
    and not (code >= 100 and code < 200)
end

local trequest

local function redirect(reqt, location)
  local target = url.absolute(reqt.url, location)
  local ok, code, hdrs, status = trequest({
    url = target,
    source = reqt.source,
    sink = reqt.sink,
    headers = reqt.headers,
    proxy = reqt.proxy,
    maxredirects = reqt.maxredirects,
    nredirects = (reqt.nredirects or 0) + 1,
    create = reqt.create,
  })
  hdrs = hdrs or {}
  hdrs.location = hdrs.location or location
  return ok, code, hdrs, status
end

trequest = function(reqt)
  local req = prepare(reqt)
  local h = M.open(req.host, req.port, req.create)
  h:sendrequestline(req.method, req.uri)
  h:sendheaders(req.headers)
  if req.source then h:sendbody(req.headers, req.source, req.step) end
  local code, status = h:receivestatusline()
  if not code then
    h:receive09body(status, req.sink, req.step)
    return 1, 200
  elseif code == 408 then
    return 1, code
  end
  while code == 100 do -- "100 Continue": the real answer follows
    h:receiveheaders()
    code, status = h:receivestatusline()
  end
  local hdrs = h:receiveheaders()
  if should_redirect(req, code, hdrs) and not req.source then
    h:close()
    return redirect(reqt, hdrs.location)
  end
  if has_body(req, code) then h:receivebody(hdrs, req.sink, req.step) end
  h:close()
  return 1, code, hdrs, status
end

-- genericform(url [, body]) -> the request table the simple form uses.
function M.genericform(u, body)
  local t = {}
  local reqt = { url = u, sink = ltn12.sink.table(t), target = t }
  if body then
    reqt.source = ltn12.source.string(body)
    reqt.headers = {
      ["content-length"] = #body,
      ["content-type"] = "application/x-www-form-urlencoded",
    }
    reqt.method = "POST"
  end
  return reqt
end

local function srequest(u, body)
  local reqt = M.genericform(u, body)
  local _, code, hdrs, status = trequest(reqt)
  return table.concat(reqt.target), code, hdrs, status
end

M.request = socket.protect(function(reqt, body)
  if type(reqt) == "string" then return srequest(reqt, body) end
  return trequest(reqt)
end)

return M
