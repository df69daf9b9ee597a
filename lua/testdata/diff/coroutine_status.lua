-- coroutine.status and coroutine.running as the threads see each other.
print(coroutine.running())  -- the main thread: nil in Lua 5.1

local outer, middle, inner
inner = coroutine.create(function()
  print("inner sees outer", coroutine.status(outer))
  print("inner sees middle", coroutine.status(middle))
  print("inner sees inner", coroutine.status(inner))
  print("running is inner", coroutine.running() == inner)
  print("resume outer", coroutine.resume(outer))
  print("resume middle", coroutine.resume(middle))
  coroutine.yield("up")
end)
middle = coroutine.create(function()
  print("middle resumes inner", coroutine.resume(inner))
  print("middle sees inner", coroutine.status(inner))
end)
outer = coroutine.create(function()
  print("outer resumes middle", coroutine.resume(middle))
end)
print("main resumes outer", coroutine.resume(outer))
print("main sees", coroutine.status(outer), coroutine.status(middle), coroutine.status(inner))
print("resume inner again", coroutine.resume(inner))
print("then", coroutine.status(inner), coroutine.resume(inner))

-- a generator made in one function and used in another
local function make()
  return coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
end
local gen = make()
print(gen(), gen(), gen())
