-- socket.url: URLs taken apart and put together (RFC 2396 names), the API
-- of LuaSocket's socket.url module, written for sockplay.
--
--   <scheme>://<authority>/<path>;<params>?<query>#<fragment>
--   <authority> = <userinfo>@<host>:<port>, <userinfo> = <user>:<password>

local socket = require("socket")

local M = { _VERSION = "URL 1.0.3" }
socket.url = M

-- escape(s): every byte but letters, digits and "_" as %xx.
function M.escape(s)
  return (s:gsub("[^%w_]", function(c)
    return ("%%%02x"):format(c:byte())
  end))
end

-- unescape(s): every %XX back to its byte.
function M.unescape(s)
  return (s:gsub("%%(%x%x)", function(hex)
    return string.char(tonumber(hex, 16))
  end))
end

-- Characters a path segment may hold as they are (besides letters,
-- digits and "_"); build_path escapes the others, as %XX.
local segment_ok = {}
for c in ("-_.!~*'():@&=+$,"):gmatch(".") do segment_ok[c] = true end

local function protect_segment(s)
  return (s:gsub("[^%w_]", function(c)
    if segment_ok[c] then return c end
    return ("%%%02X"):format(c:byte())
  end))
end

-- The rules that take "." and ".." out of a path, applied in order; a rule
-- marked "each" is applied once at a time until it changes nothing. An
-- empty segment ("//") is first made a segment of its own (a marker byte,
-- removed at the end), so ".." after it takes it away rather than what
-- came before.
local MARK = "\1"
local dot_rules = {
  { "//", "/" .. MARK .. "/", "each" },
  { "/%./", "/", "each" },
  { "[^/]+/%.%./([^/]+)", "%1", "each" },
  { "[^/]+/%.%./*$", "" },
  { "/%.%.$", "/" },
  { "/%.$", "/" },
  { "^/%.%./", "/" },
  { MARK, "" },
}

local function remove_dots(path)
  for _, rule in ipairs(dot_rules) do
    local pattern, repl, each = rule[1], rule[2], rule[3]
    if each then
      local n
      repeat
        path, n = path:gsub(pattern, repl, 1)
      until n == 0
    else
      path = path:gsub(pattern, repl)
    end
  end
  return path
end

-- merge_paths resolves a relative path against the base's directory.
local function merge_paths(base_path, rel_path)
  if rel_path:sub(1, 1) == "/" then return remove_dots(rel_path) end
  local dir = base_path:match("^(.*/)") or ""
  if dir == "" then dir = "/" end
  return remove_dots(dir .. rel_path)
end

-- parse(url, default) -> parsed | nil, "invalid url"
-- parsed has scheme, authority, userinfo, user, password, host, port,
-- path, params, query, fragment (those present); default gives values to
-- start from.
function M.parse(url, default)
  local parsed = {}
  for k, v in pairs(default or {}) do parsed[k] = v end
  if url == nil or url == "" then return nil, "invalid url" end
  local rest = url
  local scheme, after = rest:match("^(%w[%w+%-.]*):(.*)$")
  if scheme then parsed.scheme, rest = scheme, after end
  -- The authority runs to the next "/", as LuaSocket 3.1.0 reads it.
  local authority, tail = rest:match("^//([^/]*)(.*)$")
  if authority then parsed.authority, rest = authority, tail end
  local hash = rest:find("#", 1, true)
  if hash then parsed.fragment, rest = rest:sub(hash + 1), rest:sub(1, hash - 1) end
  local q = rest:find("?", 1, true)
  if q then parsed.query, rest = rest:sub(q + 1), rest:sub(1, q - 1) end
  local semi = rest:find(";", 1, true)
  if semi then parsed.params, rest = rest:sub(semi + 1), rest:sub(1, semi - 1) end
  if rest ~= "" then parsed.path = rest end
  if not authority then return parsed end
  local userinfo, hostport = authority:match("^([^@]*)@(.*)$")
  if userinfo then parsed.userinfo, authority = userinfo, hostport end
  -- The port follows the last ":", unless a "]" (IPv6) comes after it.
  local hostpart, port = authority:match("^(.*):([^:%]]*)$")
  if hostpart then parsed.port, authority = port, hostpart end
  if authority ~= "" then
    parsed.host = authority:match("^%[(.+)%]$") or authority
  end
  if not userinfo then return parsed end
  local user, password = userinfo:match("^(.*):([^:]*)$")
  if user then
    parsed.user, parsed.password = user, password
  else
    parsed.user = userinfo
  end
  return parsed
end

-- build(parsed) -> url: the inverse of parse. host, port, user and
-- password win over authority and userinfo.
function M.build(parsed)
  local url = (parsed.path or "")
  if parsed.params then url = url .. ";" .. parsed.params end
  if parsed.query then url = url .. "?" .. parsed.query end
  local authority = parsed.authority
  if parsed.host then
    authority = parsed.host
    if authority:find(":", 1, true) then authority = "[" .. authority .. "]" end
    if parsed.port then authority = authority .. ":" .. tostring(parsed.port) end
    local userinfo = parsed.userinfo
    if parsed.user then
      userinfo = parsed.user
      if parsed.password then userinfo = userinfo .. ":" .. parsed.password end
    end
    if userinfo then authority = userinfo .. "@" .. authority end
  end
  if authority then url = "//" .. authority .. url end
  if parsed.scheme then url = parsed.scheme .. ":" .. url end
  if parsed.fragment then url = url .. "#" .. parsed.fragment end
  return url
end

-- absolute(base, relative) -> url: relative resolved against base (a URL
-- or a parsed table).
function M.absolute(base_url, relative_url)
  local base
  if type(base_url) == "table" then
    base, base_url = base_url, M.build(base_url)
  else
    base = M.parse(base_url)
  end
  local rel = M.parse(relative_url)
  local result
  if not base then
    result = relative_url
  elseif not rel then
    result = base_url
  elseif rel.scheme then
    result = relative_url
  else
    rel.scheme = base.scheme
    if not rel.authority then
      rel.authority = base.authority
      if rel.path then
        rel.path = merge_paths(base.path or "", rel.path)
      else
        rel.path = base.path
        if not rel.params then
          rel.params = base.params
          if not rel.query then rel.query = base.query end
        end
      end
    end
    result = M.build(rel)
  end
  return remove_dots(result)
end

-- parse_path(path) -> segments: the unescaped segments, with
-- is_absolute and is_directory set (to 1) for a leading and a trailing "/".
function M.parse_path(path)
  path = path or ""
  local segments = {}
  for seg in path:gmatch("[^/]+") do segments[#segments + 1] = M.unescape(seg) end
  if path:sub(1, 1) == "/" then segments.is_absolute = 1 end
  if path:sub(-1) == "/" then segments.is_directory = 1 end
  return segments
end

-- build_path(segments, unsafe) -> path: the inverse of parse_path; the
-- segments are escaped unless unsafe.
function M.build_path(segments, unsafe)
  local out = {}
  for i = 1, #segments do
    out[i] = unsafe and segments[i] or protect_segment(segments[i])
  end
  local path = table.concat(out, "/")
  if #segments > 0 and segments.is_directory then path = path .. "/" end
  if segments.is_absolute then path = "/" .. path end
  return path
end

return M
