-- Checks for the exercise port_scanner. Open ports are listening sockets
-- of the checks; closed ones are bound but not listening, so no other
-- program can make them open meanwhile.

local SCANNER = test.target("solution/port_scanner.lua")

-- port(listening) -> a socket on a port of 127.0.0.1 (listening or not), its port
local function port(listening)
  local s = socket.socket()
  s:bind({"127.0.0.1", 0})
  if listening then s:listen(5) end
  return s, s:getsockname().port
end

-- adjacent() -> a listening socket and a closed (bound, not listening)
-- one on adjacent ports, and the first (open) port. The neighbour of a
-- port bind(0) picks is often taken (connections in TIME_WAIT), so it
-- tries pairs all over the port space.
local function adjacent()
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  for _ = 1, 200 do
    local p = math.random(1025, 65534)
    local a, b = socket.socket(), socket.socket()
    a:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    b:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if pcall(a.bind, a, {"127.0.0.1", p}) and pcall(b.bind, b, {"127.0.0.1", p + 1}) and pcall(a.listen, a, 5) then
      return a, b, p
    end
    a:close()
    b:close()
  end
  error(test.say{en = "found no two adjacent free ports", zh = "找不到两个相邻的空闲端口"})
end

local function scan(host, list)
  return test.run(SCANNER, {args = {host, list}})
end

-- Exactly the open ports are reported, in the order given, then the count.
-- hint: for each port, a new socket with settimeout(1) and connect_ex({host, port}): 0 means open.
-- zh: 按给出的顺序报告恰好那些开放的端口，然后是总数。
-- zh hint: 对每个端口，新建一个套接字，settimeout(1)，再 connect_ex({host, port})：返回 0 表示开放。
function test_reports_the_open_ports()
  local o1, p1 = port(true)
  local c1, q1 = port(false)
  local o2, p2 = port(true)
  local c2, q2 = port(false)
  local out, err = scan("127.0.0.1", table.concat({q1, p2, q2, p1}, ","))
  assert.eq(err, nil, {en = "the scanner failed", zh = "扫描器出错了"})
  assert.eq(out, ("%d open\n%d open\n2 open\n"):format(p2, p1))
  o1:close() c1:close() o2:close() c2:close()
end

-- Ranges, and ranges mixed with single ports.
-- hint: "8000-8003" is 8000, 8001, 8002, 8003: part:match("^(%d+)%-(%d+)$").
-- zh: 端口范围，以及范围和单个端口混合。
-- zh hint: "8000-8003" 就是 8000、8001、8002、8003：part:match("^(%d+)%-(%d+)$")。
function test_ranges()
  local a, b, p = adjacent()
  local c, q = port(false)
  local out, err = scan("127.0.0.1", ("%d-%d,%d"):format(p, p + 1, q))
  assert.eq(err, nil, {en = "the scanner failed", zh = "扫描器出错了"})
  assert.eq(out, ("%d open\n1 open\n"):format(p))
  a:close() b:close() c:close()
end

-- Nothing open: just the count.
-- hint: count the open ports and print "N open" at the end, also when N is 0.
-- zh: 没有开放的端口：只打印总数。
-- zh hint: 数出开放的端口，最后打印 "N open"，N 为 0 时也要打印。
function test_nothing_open()
  local c, q = port(false)
  local out, err = scan("127.0.0.1", tostring(q))
  assert.eq(err, nil, {en = "the scanner failed", zh = "扫描器出错了"})
  assert.eq(out, "0 open\n")
  c:close()
end

-- "localhost" is this machine too.
-- hint: accept "localhost" as a host, as well as 127.x.y.z and ::1.
-- zh: "localhost" 也是本机。
-- zh hint: 除了 127.x.y.z 和 ::1，也要接受 "localhost" 作为主机。
function test_localhost_is_fine()
  local o, p = port(true)
  local out, err = scan("localhost", tostring(p))
  assert.eq(err, nil, {en = "the scanner failed", zh = "扫描器出错了"})
  assert.eq(out, ("%d open\n1 open\n"):format(p))
  o:close()
end

-- Other hosts are refused before any connection. (This client runs in
-- the sandbox, which would refuse the connection anyway.)
-- hint: check the host first: print "refusing to scan HOST: only this machine may be scanned" and os.exit(2).
-- zh: 其他主机在建立任何连接之前就被拒绝。（这个客户端在沙箱里运行，沙箱本来也会拒绝这种连接。）
-- zh hint: 先检查主机：打印 "refusing to scan HOST: only this machine may be scanned"，然后 os.exit(2)。
function test_refuses_other_hosts()
  for _, host in ipairs({"10.1.2.3", "192.0.2.7", "example.com"}) do
    local out, err = test.run(SCANNER, {args = {host, "80"}, sandbox = true})
    assert.eq(out, "refusing to scan " .. host .. ": only this machine may be scanned\n", host)
    assert.eq(err, "os.exit(2)", {en = "how the scanner ended for " .. host, zh = "扫描 " .. host .. " 时扫描器的结束方式"})
  end
end

-- A bad port list is refused.
-- hint: return nil from parse for anything but numbers 1-65535 and ranges low-high.
-- zh: 有误的端口列表被拒绝。
-- zh hint: 除了 1-65535 的数字和 low-high 形式的范围，其他任何内容都让 parse 返回 nil。
function test_refuses_bad_port_lists()
  for _, list in ipairs({"http", "80,x", "0", "70000", "90-80", "1-2-3"}) do
    local out, err = scan("127.0.0.1", list)
    assert.eq(out, "bad port list: " .. list .. "\n", list)
    assert.eq(err, "os.exit(2)", {en = "how the scanner ended for " .. list, zh = "端口列表为 " .. list .. " 时扫描器的结束方式"})
  end
end
