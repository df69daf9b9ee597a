-- A client that reads the keyboard (keyboard.txt): each line, a moment's
-- work, a reply; "q" or the end of input ends it.
while true do
  local line = input("line? ")
  if line == nil or line == "q" then break end
  sleep(0.05)
  print("got " .. line)
end
print("no more lines")
