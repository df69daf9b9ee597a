-- The sandbox (luabind.Sandbox, its default limits): what a hostile
-- script tries is refused with a clear error on the line that tried it,
-- and the script goes on; loopback networking, files in its directory and
-- modules work as usual. No check here sends anything anywhere but
-- loopback: the refused addresses are refused before any system call, and
-- the checks prove it. The limits that end a run (time, memory, tasks)
-- are the sandbox_*.lua files.
--
-- option: sandbox

local tmp = arg[1]
assert.eq(os.getenv("TMPDIR"), tmp)

-- here() is "file:line:" of the line that calls it.
local function here()
  local info = debug.getinfo(2, "Sl")
  return info.source .. ":" .. info.currentline .. ":"
end

-- raised(fn, part, ...) -> err: fn() raises an error whose text, as the
-- command line would show it (an error value after its position), holds
-- every part in that order. The first part is usually here().
local function raised(fn, ...)
  local ok, err = pcall(fn)
  if ok then
    assert.fail("no error raised, want one with " .. table.concat({...}, " ... "))
    return nil
  end
  local text = tostring(err)
  if type(err) == "table" then text = err.where .. " " .. text end
  local at = 1
  for _, part in ipairs({...}) do
    local i, j = text:find(part, at, true)
    if not i then
      assert.fail(("%q lacks %q after position %d"):format(text, part, at))
      return err
    end
    at = j + 1
  end
  return err
end

do -- sockets up to the cap, then OSError (catchable, as EMFILE is)
  local socks = {}
  raised(function() while true do socks[#socks + 1] = socket.socket() end end, here(), "OSError: sandbox: too many open sockets", "at most 64")
  for _, s in ipairs(socks) do s:close() end
  local pairs_ = {}
  raised(function() while true do pairs_[#pairs_ + 1] = {socket.socketpair()} end end, here(), "too many open sockets")
  for _, p in ipairs(pairs_) do p[1]:close() p[2]:close() end
end

do -- strings beyond the cap are refused before they are built (the VM's cap, lua.Options.MaxStringSize)
  raised(function() local s = string.rep("x", 2^31) end, here(), "string.rep: resulting string too large (2147483648 bytes, the limit is 16777216)")
  raised(function() local s = ("abc"):rep(1e9) end, here(), "string.rep: resulting string too large")
  raised(function() local s = string.format("%099999999d", 1) end, here(), "invalid format (width or precision too long)")
  local t = {}
  for i = 1, 10 do t[i] = "x" end
  raised(function() local s = table.concat(t, ("y"):rep(10e6)) end, here(), "table.concat: resulting string too large")
  raised(function() local s = ("x"):rep(1000):gsub("x", ("y"):rep(1e6)) end, here(), "string.gsub: resulting string too large")
end

do -- deep recursion is a stack overflow at the recursing line
  local function f(n) return 1 + f(n + 1) end local at = here()
  raised(function() f(1) end, at, "stack overflow")
  local t = setmetatable({}, {__index = function(t, k) return t[k .. "x"] end}) at = here()
  raised(function() local _ = t.a end, at, "stack overflow")
end

do -- no programs, no changes to the host's environment
  raised(function() local p = io.popen("id") end, here(), "PermissionError: sandbox: io.popen is not allowed")
  raised(function() os.execute("touch /tmp/sockplay-sandbox-escaped") end, here(), "PermissionError: sandbox: os.execute is not allowed")
  -- (that os.execute ran nothing, the Go side cannot see from here: reading
  -- outside the allowlist is refused anyway)
  raised(function() io.open("/tmp/sockplay-sandbox-escaped") end, here(), "PermissionError")
  assert.eq(os.execute(), false, "os.execute() without a command: no shell")
  raised(function() os.setenv("PATH", "/nowhere") end, here(), "PermissionError: sandbox: os.setenv is not allowed")
  assert.eq(os.getenv("HOME"), nil, "the host's environment")
end

do -- files: written only in the sandbox's directory; read only from the allowlist (Sandbox.Read: here, this file)
  raised(function() local f = io.open("/etc/sockplay-sandbox-test", "w") end, here(),
    'PermissionError: sandbox: writing "/etc/sockplay-sandbox-test" refused', "files may be written only inside")
  raised(function() local f = io.open(os.getenv("TMPDIR") .. "/../../etc/hosts", "a") end, here(), "refused")
  raised(function() io.output("/etc/sockplay-sandbox-test") end, here(), 'PermissionError: sandbox: writing "/etc/sockplay-sandbox-test" refused')
  raised(function() os.remove("/etc/hostname") end, here(), 'PermissionError: sandbox: os.remove("/etc/hostname") refused')
  raised(function() os.rename("/etc/hostname", os.tmpname()) end, here(), "PermissionError: sandbox: os.rename")
  raised(function() local f = io.open("/dev/zero"); local s = f:read("*a") end, here(), "PermissionError", "/dev")
  -- a file on the allowlist (this one) can be read
  local f = assert(io.open(arg[0]))
  local text = f:read("*a")
  f:close()
  local n = 0
  for _ in io.lines(arg[0]) do n = n + 1 end
  local _, newlines = text:gsub("\n", "")
  assert.eq(n, newlines, "io.lines reads a file of the allowlist")
  raised(function() io.open("/etc/hostname") end, here(), 'PermissionError: sandbox: reading "/etc/hostname" refused')
end

do -- the host's standard input is not the script's
  raised(function() dofile() end, here(), "PermissionError", "standard input")
  raised(function() io.stdin:read("*l") end, here(), "PermissionError", "use input()")
end

do -- addresses: only loopback, refused before the system call
  local function attempt(family, typ, fn)
    local s = socket.socket(family, typ)
    local ok, err = pcall(fn, s)
    s:close()
    if not ok then error(err, 0) end
  end
  local TCP, UDP = socket.SOCK_STREAM, socket.SOCK_DGRAM
  raised(function() attempt(socket.AF_INET, TCP, function(s) s:bind({"0.0.0.0", 0}) end) end, here(),
    "PermissionError: sandbox: bind to 0.0.0.0:0 refused", 'bind to "127.0.0.1"')
  raised(function() attempt(socket.AF_INET, TCP, function(s) s:bind("", 0) end) end, here(), "PermissionError: sandbox: bind to 0.0.0.0:0 refused")
  raised(function() socket.create_server({"", 0}) end, here(), "PermissionError: sandbox: bind to 0.0.0.0:0 refused")
  raised(function() attempt(socket.AF_INET6, TCP, function(s) s:bind({"::", 0}) end) end, here(), "PermissionError: sandbox: bind to [::]:0 refused")
  raised(function() attempt(socket.AF_INET, TCP, function(s) s:connect({"10.255.255.1", 80}) end) end, here(),
    "PermissionError: sandbox: connect to 10.255.255.1:80 refused", "nothing was sent")
  raised(function() socket.create_connection({"198.51.100.7", 443}, 5) end, here(), "PermissionError: sandbox: connect to 198.51.100.7:443 refused")
  raised(function() attempt(socket.AF_INET, TCP, function(s) return s:connect_ex({"203.0.113.9", 22}) end) end, here(),
    "PermissionError: sandbox: connect to 203.0.113.9:22 refused")
  raised(function() socket.create_connection({"example.com", 80}) end, here(), 'PermissionError: sandbox: looking up "example.com" refused', "no DNS")
  raised(function() attempt(socket.AF_INET, UDP, function(s) s:sendto("x", {"192.0.2.1", 53}) end) end, here(),
    "PermissionError: sandbox: sendto to 192.0.2.1:53 refused")
  local function broadcast(s) s:setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1) s:sendto("x", {"<broadcast>", 9}) end local at = here()
  raised(function() attempt(socket.AF_INET, UDP, broadcast) end, at, "sendto to 255.255.255.255:9 refused")
  raised(function() attempt(socket.AF_UNIX, TCP, function(s) s:connect("/run/systemd/private") end) end, here(),
    "PermissionError: sandbox: connect to /run/systemd/private refused", "inside")
  raised(function() attempt(socket.AF_UNIX, TCP, function(s) s:connect("\0/tmp/.X11-unix/X0") end) end, here(),
    "PermissionError: sandbox: connect to the abstract AF_UNIX name")
end

do -- refused addresses never reach a system call: a socket whose connect
   -- or sendto had reached the kernel would have been bound to a port
  local addrs = {"10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "198.51.100.7", "203.0.113.9", "192.0.2.1", "224.0.0.251", "255.255.255.255", "0.0.0.0"}
  local srv = socket.create_server({"127.0.0.1", 0})
  for _, host in ipairs(addrs) do
    local s = socket.socket()
    s:settimeout(5)
    assert.raises(function() s:connect({host, 80}) end, "PermissionError", host .. ": connect")
    assert.raises(function() s:connect_ex({host, 80}) end, "PermissionError", host .. ": connect_ex")
    assert.eq(s:getsockname().port, 0, host .. ": the socket was bound, so connect ran")
    -- the same socket is as new: it connects to loopback
    s:connect(srv:getsockname())
    s:close()
    srv:accept():close()

    local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    assert.raises(function() u:sendto("x", {host, 9}) end, "PermissionError", host .. ": sendto")
    assert.eq(u:getsockname().port, 0, host .. ": the socket was bound, so sendto ran")
    u:close()
  end
  for _, host in ipairs({"2001:db8::1", "fe80::1", "::ffff:10.0.0.1", "::"}) do
    local s = socket.socket(socket.AF_INET6)
    assert.raises(function() s:connect({host, 80}) end, "PermissionError", host)
    s:close()
  end
  for _, name in ipairs({"example.com", "localhost.example.com", "metadata.google.internal"}) do
    assert.raises(function() socket.gethostbyname(name) end, "PermissionError", name .. ": gethostbyname")
    assert.raises(function() socket.getaddrinfo(name, 80) end, "PermissionError", name .. ": getaddrinfo")
  end
  srv:close()
end

do -- loopback works, by address and by name
  for _, host in ipairs({"127.0.0.1", "localhost", "127.9.9.9"}) do
    local srv = socket.create_server({host, 0})
    local c = socket.create_connection(srv:getsockname(), 5)
    local conn = srv:accept()
    c:sendall("ping " .. host)
    assert.eq(conn:recv(100), "ping " .. host)
    c:close() conn:close() srv:close()
  end
  local u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  u1:bind({"127.0.0.1", 0})
  local u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  u2:settimeout(5)
  u2:sendto("hi", u1:getsockname())
  assert.eq(u1:recvfrom(10), "hi")
  u1:close() u2:close()
end

do -- AF_UNIX sockets in the sandbox's directory
  local path = tmp .. "/echo.sock"
  local us = socket.socket(socket.AF_UNIX)
  us:bind(path) us:listen()
  local uc = socket.socket(socket.AF_UNIX)
  uc:connect(path)
  us:accept():close()
  uc:close() us:close()
  assert.eq(os.remove(path), true)
end

do -- files in the sandbox's directory, and modules from it
  local name = os.tmpname()
  assert.eq(name:sub(1, #tmp), tmp, name)
  local f = assert(io.open(name, "w"))
  f:write("saved") f:close()
  assert.eq(io.open(name):read("*a"), "saved")
  assert.eq(os.rename(name, tmp .. "/renamed.txt"), true)
  f = assert(io.open(tmp .. "/helper.lua", "w"))
  f:write("return {answer = 42}") f:close()
  package.path = tmp .. "/?.lua"
  assert.eq(require("helper").answer, 42)
  local tf = io.tmpfile() tf:write("x") tf:close()
  assert.eq(io.output(), io.stdout)
  io.close()
end

do -- the string functions the sandbox guards work as usual below its caps
  assert.eq((("hello world"):gsub("(%w+)", "<%1>")), "<hello> <world>")
  assert.eq((("a-b"):gsub("%w", {a = "A"})), "A-b")
  assert.eq(string.format("%5.2f|%-3s|%q", 1, "x", "y"), " 1.00|x  |\"y\"")
  assert.eq(table.concat({1, "b", 3}, ","), "1,b,3")
end
