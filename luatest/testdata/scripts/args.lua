-- A client that shows its arguments and input, and exits with arg[1].
local line = input()
print(#arg, arg[1], arg[2], line)
io.stderr:write("to stderr\n")
os.exit(tonumber(arg[1]))
