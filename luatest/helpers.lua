-- The test module's helpers written in Lua: clients with deadlines.
-- Every socket they make has test.timeout as its timeout, so a server
-- that does not answer makes the test fail with TimeoutError, never hang.
-- An error inside a helper is reported at the test's line that called it.
local test = ...

local function guard(fn)
  return function(...)
    local res = {pcall(fn, ...)}
    if not res[1] then test.__rethrow(res[2]) end
    return unpack(res, 2, table.maxn(res))
  end
end

-- address(target) -> {host, port} | path: a server, an address, or
-- "host:port". Whatever printed it, only a loopback address or a socket
-- file in the test's folder comes out (test.__address raises otherwise).
local function address(target)
  if type(target) == "userdata" then return target.addr end
  return test.__address(target)
end

-- test.connect(target, timeout?) -> sock
-- A TCP (or, for a path, AF_UNIX) socket connected to target: a server
-- from start_server, {host, port}, "host:port" or a socket file's path.
test.connect = guard(function(target, timeout)
  timeout = timeout or test.timeout
  local addr = address(target)
  local s
  if type(addr) == "string" then
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s:settimeout(timeout)
    s:connect(addr)
  else
    s = socket.create_connection(addr, timeout)
  end
  s:settimeout(timeout)
  return s
end)

-- test.udp(timeout?) -> sock   (a UDP socket bound to 127.0.0.1, port chosen)
test.udp = guard(function(timeout)
  local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  s:bind({"127.0.0.1", 0})
  s:settimeout(timeout or test.timeout)
  return s
end)

-- recv(sock, n, got, waiting, want) -> data   (sock:recv(n) for a helper
-- that has got bytes so far and waits for waiting: "close", "text" (want)
-- or "bytes" (want of them); its TimeoutError records them, and the
-- runner's failure says what came and what did not)
local function recv(sock, n, got, waiting, want)
  local ok, data = pcall(sock.recv, sock, n)
  if ok then return data end
  if type(data) == "table" and data.name == "TimeoutError" then
    data.got, data.waiting, data.want = got, waiting, want
  end
  error(data, 0)
end

-- test.recv_all(sock) -> data   (everything until the peer closes)
test.recv_all = guard(function(sock)
  local parts, got = {}, 0
  while true do
    local data = recv(sock, 65536, got, "close")
    if data == "" then return table.concat(parts) end
    parts[#parts + 1] = data
    got = got + #data
  end
end)

-- test.recv_until(sock, text) -> data   (reads until data contains text, or the peer closes; returns all it read)
test.recv_until = guard(function(sock, text)
  local data = ""
  while not data:find(text, 1, true) do
    local more = recv(sock, 65536, #data, "text", text)
    if more == "" then break end
    data = data .. more
  end
  return data
end)

-- test.recv_exactly(sock, n) -> data   (n bytes; fewer only if the peer closes)
test.recv_exactly = guard(function(sock, n)
  local parts, got = {}, 0
  while got < n do
    local data = recv(sock, math.min(n - got, 65536), got, "bytes", n)
    if data == "" then break end
    parts[#parts + 1] = data
    got = got + #data
  end
  return table.concat(parts)
end)

-- test.exchange(target, data, timeout?) -> reply
-- Connects, sends data, closes its sending side (the server's recv then
-- returns ""), and returns everything the server sends until it closes.
test.exchange = guard(function(target, data, timeout)
  local s = test.connect(target, timeout)
  s:sendall(data)
  s:shutdown(socket.SHUT_WR)
  local reply = test.recv_all(s)
  s:close()
  return reply
end)

-- test.udp_exchange(target, data, timeout?) -> reply, from
-- Sends one datagram to target and waits for one back.
test.udp_exchange = guard(function(target, data, timeout)
  local s = test.udp(timeout)
  s:sendto(data, address(target))
  local reply, from = s:recvfrom(65536)
  s:close()
  return reply, from
end)
