-- Loaded by the commands transcript with :load: a file runs as Lua runs
-- it, so its locals stay local and its globals persist.
local private = "stays in the file"
loaded_value = 42
print("loaded", private)
