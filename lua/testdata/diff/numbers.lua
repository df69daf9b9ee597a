-- Numbers: how they print, how text becomes a number, arithmetic.

-- Argument errors name the function differently in each implementation
-- ('?' in Lua 5.1 for a function called through pcall): only the
-- argument and the reason are compared.
local function reason(e) return (string.gsub(tostring(e), "bad argument (#%d+) to .* (%b())$", "bad argument %1 %2")) end
local function pc(...) local r = {pcall(...)} if not r[1] then r[2] = reason(r[2]) end return unpack(r, 1, table.maxn(r)) end

print(1e15, 1e16, 2^53, 2^63, 1e100, 123456789012345678, 1e14, 123456789012345)
print(0.1, 1/3, 100, -100, 1e-5, 123.456, 5 % 3, -5 % 3, 5.5 % 2, 2^0.5, 10/2, 7/2)
print(3.14159265358979, 0.1 + 0.2, 1 - 0.9, 100 * 1.1)
local zero = 0
print(-zero, 0 * -1, 1/0, -1/0, math.huge, -math.huge)
print(0/0 ~= 0/0, tostring(1/0), tostring(-1/0))
print(2^31, 2^32, 2^-1, 2^-10, 10^2, (-2)^2, -2^2)
print(1e308 * 10, -1e308 * 10, 5e-324, 5e-324 / 2)
print(7 % 3, -7 % 3, 7 % -3, -7 % -3, 7.5 % 2, -7.5 % 2, 5 % math.huge ~= 5 % math.huge)
print(math.floor(3.7), math.floor(-3.7), math.ceil(3.2), math.ceil(-3.2), math.floor(-0.5))
print(math.abs(-3), math.max(1, 5, 3), math.min(2, -1, 0), math.max(3), math.sqrt(16), math.pow(2, 10))
print(math.fmod(5, 3), math.fmod(-5, 3), math.fmod(5, -3), math.fmod(5.5, 2), math.mod(7, 4))
print(math.modf(3.7)) print(math.modf(-3.7)) print(math.frexp(8)) print(math.ldexp(0.5, 4))
print(math.log(1), math.log10(1000), math.exp(0), math.log(math.exp(2)))
print(math.floor(2^31 + 0.5), math.floor(-2^31 - 0.5), math.floor(2^53))
print(math.pi, math.sin(0), math.cos(0), math.deg(math.pi), math.rad(180))
print(string.format("%.4f %.4f %.4f", math.sin(1), math.atan2(1, 1), math.tan(0.5)))

print("tonumber", tonumber("10"), tonumber(" 10 "), tonumber("0x10"), tonumber("0X1F"), tonumber("1e2"), tonumber("1E+2"), tonumber(".5"), tonumber("5."))
print("tonumber bad", tonumber("1_000"), tonumber("0b101"), tonumber("- 1"), tonumber("1 2"), tonumber(""), tonumber(" "), tonumber("0x"), tonumber("1e"), tonumber("abc"), tonumber("12abc"), tonumber("--1"), tonumber("1.2.3"))
print("tonumber more", tonumber("+12"), tonumber("1.5e-3"), tonumber("08"), tonumber("\t\n12\r"), tonumber("1e400"), tonumber("-1e400"), tonumber(nil), tonumber(true), tonumber({}) )
print("tonumber base", tonumber("ff", 16), tonumber("FF", 16), tonumber("z", 36), tonumber("10", 2), tonumber("12", 2), tonumber(" 11 ", 2), tonumber("0x10", 16), tonumber("8", 8), tonumber("1.5", 10), tonumber("", 16), tonumber("777", 8))
print("tonumber base errors", pc(tonumber, "10", 1)) print(pc(tonumber, "10", 37))
print("tostring", tostring(10), tostring(10.5), tostring(-0.25), tostring(1e20), tostring(2^63))

print("integer floats", 3 == 3.0, 1e15 + 1, 2^53 + 1, 2^53 + 2, 0.1 * 3 == 0.3)
print("comparison", 1 < 2, 2 <= 2, -1 > -2, 1 == 1.0, "1" == 1, math.huge > 1e308)
for i = 1, 3 do io.write(i / 3, " ") end print()
for _, v in ipairs({1, -1, 0.5, 1e10, 1e-10, 255, 65536, 2^24, 2^40}) do io.write(string.format("%g|%d|%.3e ", v, v, v)) end print()
local acc = 0
for i = 1, 10 do acc = acc + 0.1 end
print("accumulated", acc, acc == 1, string.format("%.17g", acc))
print("numeric for", (function() local s = "" for i = 1, 2, 0.5 do s = s .. i .. " " end return s end)())
print("numeric for down", (function() local s = "" for i = 3, 1, -1 do s = s .. i .. " " end return s end)())
print("numeric for empty", (function() local s = "x" for i = 1, 0 do s = s .. i end return s end)())
print("numeric for float", (function() local s = "" for i = 0.1, 0.35, 0.1 do s = s .. i .. " " end return s end)())
print("string to number in for", (function() local s = "" for i = "1", "3" do s = s .. i end return s end)())
