-- The corners of Lua 5.1's grammar (and gopher-lua's goto), for the test
-- that the parser builds the same tree as gopher-lua's goyacc parser.
local a, b, c = 1, 2.5, .5
local d = 0x1F + 1e3 + 3e-2 + 5E+1 + 010 + 007.5 + 3. + 0X10
local e
local f = function(...) return ... end
local function g(x, y, ...) return x, y, (...) end
local h = {}
function h.i() end
function h.j.k:l(m) return self, m end
function h:m() end
x, y.z, h["w"], h[1][2] = 1, 2, 3
h.a.b.c = (a)
;(f)(1)
;(f)"str"
f{1, 2, 3; 4,}
f[[long]]
h:m"x"
h:m{}
h:m[==[
long
with ]] inside]==]
do local q = 1 end
while a < b and not c or d >= e do a = a + 1 break end
repeat local r = 1 until r == 1 or r ~= 2
if a then elseif b then elseif c then else end
if a then b = 1 end
if a then else b = 2 end
for i = 1, 10 do end
for i = 10, 1, -1 do local _ = i end
for k, v in pairs(h) do end
for k in next, h do end
return1 = -a ^ -b ^ c .. d .. e + f * g / h % i - j
n = #h + -(-1) + not not nil
o = (f())
p = ((f()))
q = (...)
r = {...}
s = {(f())}
t = {f()}
u = {[1] = 1, x = 2, 3, [f()] = 4; y = {}, ["z"] = function() end}
v = a == b, a <= b, a > b
w = "esc\a\b\f\n\r\t\v\\\"\'\65\066\0677\
next line"
z = 'single' .. "double" .. [[long]] .. [=[lev]el]=]
goto done
::done::
do goto continue ::continue:: end
local tbl = {
  1,
  2
}
print(
  a,
  b
)
local function multi(
  a,
  b
)
  return a
end
local s2 = (
  a
  + b
)
local s3 = a
  .. b
  .. c
local s4 = h
  .i
  :m()
local s5 = h:m(
)
local s6 = f(h)(h)(h)
local s7 = f(h).a[1]:m()
local s8 = -- comment
  1 --[[ block
comment ]] + 2 --[==[ another
]==]
return a, b, (f())
