-- mime: MIME encodings as LTN12 filters (RFCs 2045-2049), the API of
-- LuaSocket's mime module, written for sockplay. The byte-level work is
-- mime.core's, in Go; this module makes filters of it and keeps its
-- functions in the same table (mime.b64, mime.qp, ...).

local ltn12 = require("ltn12")
local M = require("mime.core")

local cycle = ltn12.filter.cycle

-- The filters by name: mime.encode(name, ...), mime.decode(name),
-- mime.wrap(name, ...) choose from these.
M.encodet = {
  ["base64"] = function()
    return cycle(M.b64, "")
  end,
  -- mode "binary" protects line breaks too (as =0D=0A).
  ["quoted-printable"] = function(mode)
    local marker = "\r\n"
    if mode == "binary" then marker = "=0D=0A" end
    return cycle(M.qp, "", marker)
  end,
}

M.decodet = {
  ["base64"] = function()
    return cycle(M.unb64, "")
  end,
  ["quoted-printable"] = function()
    return cycle(M.unqp, "")
  end,
}

local function text_wrap(length)
  length = length or 76
  return cycle(M.wrp, length, length)
end

M.wrapt = {
  ["text"] = text_wrap,
  ["base64"] = text_wrap,
  ["default"] = text_wrap,
  ["quoted-printable"] = function()
    return cycle(M.qpwrp, 76, 76)
  end,
}

-- choose(t) makes f(name, opt1, opt2): t[name](opt1, opt2), or
-- t.default(...) when the first argument is not a name.
local function choose(t)
  return function(name, opt1, opt2)
    if type(name) ~= "string" then
      name, opt1, opt2 = "default", name, opt1
    end
    local make = t[name or "nil"]
    if not make then
      local shown = tostring(name)
      if #shown > 200 then shown = shown:sub(1, 200) .. "... (" .. #shown .. " bytes)" end
      error("unknown key (" .. shown .. ")", 3)
    end
    return make(opt1, opt2)
  end
end

M.encode = choose(M.encodet)
M.decode = choose(M.decodet)
M.wrap = choose(M.wrapt)

-- mime.normalize(marker): every end of line (CR, LF, CRLF or LFCR)
-- becomes marker, "\r\n" by default.
function M.normalize(marker)
  return cycle(M.eol, 0, marker)
end

-- mime.stuff(): doubles a "." that starts a line, for SMTP.
function M.stuff()
  return cycle(M.dot, 2)
end

return M
