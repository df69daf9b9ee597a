-- ltn12: sources, sinks, filters and pumps (LTN012, "Filters, sources and
-- sinks"), the API of LuaSocket's ltn12 module, written for sockplay.
--
-- A source is a function returning the next chunk, nil at the end, or
-- nil and an error. A sink takes a chunk (nil: the end) and an error and
-- returns a true value, or nil and an error. A filter takes a chunk and
-- returns what it makes of it; called with nil it returns what it still
-- holds, and nil once it holds nothing more. A pump moves chunks from a
-- source to a sink.

local M = {
  _VERSION = "LTN12 1.0.3",
  BLOCKSIZE = 2048,
  filter = {},
  source = {},
  sink = {},
  pump = {},
}
local filter, source, sink, pump = M.filter, M.source, M.sink, M.pump
local unpack = table.unpack or unpack
local select, type, assert, error = select, type, assert, error

-- filter.cycle(low, ctx, extra): a filter from a function that carries a
-- context from call to call: low(ctx, chunk, extra) -> output, new ctx.
function filter.cycle(low, ctx, extra)
  assert(low)
  return function(chunk)
    local out
    out, ctx = low(ctx, chunk, extra)
    return out
  end
end

-- The protocol a filter follows: given a chunk of data it returns some
-- output; called with "" it returns more, until it returns "", and only
-- then may it be given the next chunk. Given nil (the end), it returns
-- what it still holds, piece by piece, until it returns nil.

-- feed gives chunk to f and every piece it makes to emit.
local function feed(f, chunk, emit)
  local piece = f(chunk)
  while piece ~= "" do
    if piece == nil then error("filter returned inappropriate nil", 0) end
    emit(piece)
    piece = f("")
  end
end

-- filter.chain(f1, f2, ...): one filter doing f1, then f2, ... At the end
-- (nil) each filter in turn gives up what it holds, which goes through
-- the filters after it.
function filter.chain(...)
  local fs = {...}
  local n = select("#", ...)
  assert(n > 0, "filter.chain needs at least one filter")
  local finished = false
  -- push gives chunk to filter i and passes what it makes down the chain.
  local function push(i, chunk, out)
    if i > n then
      out[#out + 1] = chunk
      return
    end
    feed(fs[i], chunk, function(piece) push(i + 1, piece, out) end)
  end
  return function(chunk)
    if chunk == "" then return "" end
    if chunk ~= nil then
      local out = {}
      push(1, chunk, out)
      return table.concat(out)
    end
    if finished then return nil end
    finished = true
    local out = {}
    for i = 1, n do
      local piece = fs[i](nil)
      while piece ~= nil do
        if piece ~= "" then push(i + 1, piece, out) end
        piece = fs[i](nil)
      end
    end
    local all = table.concat(out)
    if all == "" then return nil end
    return all
  end
end

-- source.empty(): no chunks at all.
function source.empty()
  return function() return nil end
end

-- source.error(err): fails at once with err.
function source.error(err)
  return function() return nil, err end
end

-- source.file(handle, io_err): the file's contents, BLOCKSIZE bytes at a
-- time; the file is closed at its end. No handle: fails with io_err.
function source.file(handle, io_err)
  if not handle then
    return source.error(io_err or "unable to open file")
  end
  return function()
    local chunk = handle:read(M.BLOCKSIZE)
    if chunk == nil then handle:close() end
    return chunk
  end
end

-- source.simplify(src): a source whose calls may return a new source to
-- use from then on, made into a plain one.
function source.simplify(src)
  assert(src)
  return function()
    local chunk, other = src()
    if chunk == nil then return nil, other end
    if other then src = other end
    return chunk
  end
end

-- source.string(s): s, BLOCKSIZE bytes at a time.
function source.string(s)
  if not s then return source.empty() end
  local pos = 1
  return function()
    local chunk = s:sub(pos, pos + M.BLOCKSIZE - 1)
    pos = pos + M.BLOCKSIZE
    if chunk == "" then return nil end
    return chunk
  end
end

-- source.table(t): t[1], t[2], ... until the first nil.
function source.table(t)
  assert(type(t) == "table")
  local i = 0
  return function()
    i = i + 1
    return t[i]
  end
end

-- source.rewind(src): a source that can be given chunks back:
-- s(chunk) puts chunk back, s() returns the chunks given back first.
function source.rewind(src)
  assert(src)
  local back = {}
  return function(chunk)
    if chunk ~= nil then
      back[#back + 1] = chunk
      return
    end
    if #back > 0 then return table.remove(back) end
    return src()
  end
end

-- source.chain(src, f, ...): src's chunks through the filters.
function source.chain(src, f, ...)
  assert(src and f)
  if select("#", ...) > 0 then f = filter.chain(f, ...) end
  local state = "idle" -- "more": f may have more output; "ending", "done"
  return function()
    if state == "more" then
      local piece = f("")
      if piece == nil then error("filter returned inappropriate nil", 0) end
      if piece ~= "" then return piece end
      state = "idle"
    end
    while state == "idle" do
      local chunk, err = src()
      if chunk == nil then
        if err then return nil, err end
        state = "ending"
      elseif chunk ~= "" then
        local piece = f(chunk)
        if piece == nil then error("filter returned inappropriate nil", 0) end
        if piece ~= "" then
          state = "more"
          return piece
        end
      end
    end
    while state == "ending" do
      local piece = f(nil)
      if piece == nil then
        state = "done"
      elseif piece ~= "" then
        return piece
      end
    end
    return nil
  end
end

-- source.cat(src1, src2, ...): the chunks of each source in turn.
function source.cat(...)
  local srcs = {...}
  local i = 1
  return function()
    while srcs[i] do
      local chunk, err = srcs[i]()
      if chunk ~= nil then return chunk end
      if err then return nil, err end
      i = i + 1
    end
    return nil
  end
end

-- sink.table(t): puts the chunks in t (a new table if nil); returns the
-- sink and t.
function sink.table(t)
  t = t or {}
  return function(chunk, err)
    if chunk then t[#t + 1] = chunk end
    return 1
  end, t
end

-- sink.simplify(snk): a sink whose calls may return a new sink to use
-- from then on, made into a plain one.
function sink.simplify(snk)
  assert(snk)
  return function(chunk, err)
    local ok, other = snk(chunk, err)
    if not ok then return nil, other end
    if other then snk = other end
    return 1
  end
end

-- sink.file(handle, io_err): writes the chunks to the file and closes it
-- at the end. No handle: fails with io_err.
function sink.file(handle, io_err)
  if not handle then
    return sink.error(io_err or "unable to open file")
  end
  return function(chunk, err)
    if chunk == nil then
      handle:close()
      return 1
    end
    return handle:write(chunk)
  end
end

-- sink.null(): takes everything, keeps nothing.
function sink.null()
  return function() return 1 end
end

-- sink.error(err): fails at once with err.
function sink.error(err)
  return function() return nil, err end
end

-- sink.chain(f, snk) or sink.chain(f1, f2, ..., snk): the chunks go
-- through the filters into snk.
function sink.chain(f, snk, ...)
  if select("#", ...) > 0 then
    local all = {f, snk, ...}
    snk = table.remove(all)
    f = filter.chain(unpack(all))
  end
  assert(f and snk)
  return function(chunk, err)
    if chunk == "" then return 1 end
    if chunk ~= nil then
      local ok, snkerr = true, nil
      feed(f, chunk, function(piece)
        if ok then ok, snkerr = snk(piece, err) end
      end)
      if not ok then return nil, snkerr end
      return 1
    end
    while true do
      local piece = f(nil)
      local ok, snkerr = snk(piece, err)
      if not ok then return nil, snkerr end
      if piece == nil then return 1 end
    end
  end
end

-- pump.step(src, snk): moves one chunk; nil (and an error, if any) once
-- the source has ended or either failed.
function pump.step(src, snk)
  local chunk, src_err = src()
  local ok, snk_err = snk(chunk, src_err)
  if chunk and ok then return 1 end
  return nil, src_err or snk_err
end

-- pump.all(src, snk, step): moves everything; 1 at the end, or nil and
-- the error.
function pump.all(src, snk, step)
  assert(src and snk)
  step = step or pump.step
  while true do
    local ok, err = step(src, snk)
    if not ok then
      if err then return nil, err end
      return 1
    end
  end
end

return M
