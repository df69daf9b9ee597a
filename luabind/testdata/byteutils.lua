-- Byte order and address conversions: htons, ntohs, htonl, ntohl, inet_*.

do
  assert.eq(socket.htons(1), 256)
  assert.eq(socket.htons(0x1234), 0x3412)
  assert.eq(socket.ntohs(0x3412), 0x1234)
  assert.eq(socket.htons(0), 0)
  assert.eq(socket.htons(65535), 65535)
  assert.eq(socket.ntohs(socket.htons(8080)), 8080)
  assert.eq(socket.htonl(1), 16777216)
  assert.eq(socket.htonl(0x01020304), 0x04030201)
  assert.eq(socket.ntohl(0x04030201), 0x01020304)
  assert.eq(socket.htonl(0xffffffff), 0xffffffff)
  assert.eq(socket.ntohl(socket.htonl(3000000000)), 3000000000)
  for _, f in ipairs({"htons", "ntohs"}) do
    assert.fails(function() socket[f](-1) end, "bad argument #1 to 'socket.htons'", "0-65535")
    assert.fails(function() socket[f](65536) end, "0-65535")
    assert.fails(function() socket[f](1.5) end, "integer expected")
    assert.fails(function() socket[f]("1") end, "integer expected")
  end
  for _, f in ipairs({"htonl", "ntohl"}) do
    assert.fails(function() socket[f](-1) end, "bad argument #1 to 'socket.htonl'")
    assert.fails(function() socket[f](2 ^ 32) end, "0-4294967295")
    assert.fails(function() socket[f](nil) end, "integer expected")
  end
end

do
  assert.eq(socket.inet_aton("127.0.0.1"), "\127\0\0\1")
  assert.eq(socket.inet_aton("255.1.2.3"), "\255\1\2\3")
  assert.eq(socket.inet_ntoa("\127\0\0\1"), "127.0.0.1")
  assert.eq(socket.inet_ntoa("\192\168\0\255"), "192.168.0.255")
  assert.raises(function() socket.inet_aton("300.1.1.1") end, "illegal IP address string")
  assert.raises(function() socket.inet_aton("::1") end, "OSError")
  assert.raises(function() socket.inet_ntoa("abc") end, "packed IP wrong length")
  assert.fails(function() socket.inet_aton(42) end, "bad argument #1 to 'socket.inet_aton'")

  local v6 = string.rep("\0", 15) .. "\1"
  assert.eq(socket.inet_pton(socket.AF_INET6, "::1"), v6)
  assert.eq(socket.inet_ntop(socket.AF_INET6, v6), "::1")
  assert.eq(socket.inet_pton(socket.AF_INET, "10.0.0.1"), "\10\0\0\1")
  assert.eq(socket.inet_ntop(socket.AF_INET, "\10\0\0\1"), "10.0.0.1")
  local ll = socket.inet_pton(socket.AF_INET6, "fe80::1:2")
  assert.eq(#ll, 16)
  assert.eq(socket.inet_ntop(socket.AF_INET6, ll), "fe80::1:2")
  assert.raises(function() socket.inet_pton(socket.AF_INET, "::1") end, "illegal IP address string")
  assert.raises(function() socket.inet_pton(socket.AF_INET6, "1.2.3.4") end, "illegal IP address string")
  local err = assert.raises(function() socket.inet_pton(99, "1.2.3.4") end, "OSError")
  if err then assert.eq(err.errno, 97) end
  assert.fails(function() socket.inet_ntop(socket.AF_INET, "abc") end, "bad argument #2 to 'socket.inet_ntop'")
  assert.fails(function() socket.inet_ntop(socket.AF_INET6, "\1\2\3\4") end, "invalid length")
end

-- names and address info, without DNS
do
  local name = socket.gethostname()
  assert.true_(type(name) == "string" and #name > 0)
  local infos = socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM)
  assert.eq(#infos, 1)
  local fam, typ, proto, canon, addr = unpack(infos[1])
  assert.eq(fam, socket.AF_INET)
  assert.eq(typ, socket.SOCK_STREAM)
  assert.eq(proto, socket.IPPROTO_TCP)
  assert.eq(canon, "")
  assert.eq(tostring(addr), "('127.0.0.1', 80)")
  -- nil host: the loopback addresses, both families, both types
  local all = socket.getaddrinfo(nil, 8080)
  assert.eq(#all, 4)
  local v6 = socket.getaddrinfo(nil, 8080, socket.AF_INET6)
  assert.eq(#v6, 2)
  assert.eq(v6[1][5].host, "::1")
  assert.eq(v6[1][5].port, 8080)
  local passive = socket.getaddrinfo(nil, 0, socket.AF_INET, socket.SOCK_DGRAM, 0, socket.AI_PASSIVE)
  assert.eq(passive[1][5].host, "0.0.0.0")
  assert.eq(passive[1][3], socket.IPPROTO_UDP)
  -- a service name
  assert.eq(socket.getaddrinfo("127.0.0.1", "http", socket.AF_INET, socket.SOCK_STREAM)[1][5].port, 80)
  assert.raises(function() socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET6) end, "gaierror")
end

-- constants have their Linux values
do
  assert.eq(socket.AF_INET, 2)
  assert.eq(socket.AF_INET6, 10)
  assert.eq(socket.AF_UNIX, 1)
  assert.eq(socket.SOCK_STREAM, 1)
  assert.eq(socket.SOCK_DGRAM, 2)
  assert.eq(socket.SOL_SOCKET, 1)
  assert.eq(socket.SO_REUSEADDR, 2)
  assert.eq(socket.IPPROTO_TCP, 6)
  assert.eq(socket.TCP_NODELAY, 1)
  assert.eq(socket.SHUT_RD, 0)
  assert.eq(socket.SHUT_WR, 1)
  assert.eq(socket.SHUT_RDWR, 2)
  for _, name in ipairs({"SO_REUSEPORT", "SO_BROADCAST", "SO_KEEPALIVE", "SO_RCVBUF", "SO_SNDBUF", "SO_ERROR"}) do
    assert.eq(type(socket[name]), "number", name)
  end
end
