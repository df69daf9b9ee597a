-- UDP chat client, like QQ: pick a contact, then chat; q ends a chat.
-- zh: UDP 聊天客户端，像 QQ：选一个联系人，然后聊天；q 结束一次聊天。
-- First choose a contact by name from the table below, then type messages;
-- each is sent to that contact's address and the client waits for the
-- reply. "q" ends the chat with this contact, end of input (Ctrl-D) ends
-- the program. In real life each contact has its own address; here all
-- of them are the chat server's.
-- Tutorial §3.6, 类似于qq聊天的代码示例 (client端).
--
-- Run:  sockplay run udp/chat_server     then, in another terminal:
--       sockplay run udp/chat_client [port] [host]   (default 8081 127.0.0.1)

local port = tonumber(arg[1] or 8081)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run udp/chat_client [port] [host]", 0) end

local BUFSIZE = 1024
local udp_client_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

local qq_name_dic = {
  -- 真实情况下是不同ip (in real life, different addresses)
  Tom = {host, port},
  Mike = {host, port},
  Jack = {host, port},
  John = {host, port},
}
print("contacts: Tom, Mike, Jack, John")

-- Chat with one contact until "q"; false at end of input.
local function chat(qq_name)
  while true do
    local msg = input("请输入消息,回车发送,输入q结束和他的聊天: ")
    if msg == nil then return false end
    msg = msg:match("^%s*(.-)%s*$") -- strip()
    if msg == "q" then return true end
    if msg ~= "" then
      udp_client_socket:sendto(msg, qq_name_dic[qq_name])
      -- No connection: the server learns our address from the datagram
      -- itself, and that is where it replies.
      local back_msg, addr = udp_client_socket:recvfrom(BUFSIZE) -- waits too
      print(string.format("来自[%s:%s]的一条消息:\27[1;44m%s\27[0m", addr[1], addr[2], back_msg))
    end
  end
end

while true do
  local qq_name = input("请选择聊天对象: ")
  if qq_name == nil then break end -- end of input
  qq_name = qq_name:match("^%s*(.-)%s*$")
  if qq_name_dic[qq_name] then
    if not chat(qq_name) then break end
  end
end

udp_client_socket:close()
