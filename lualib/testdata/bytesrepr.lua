-- bytes_repr: Python's repr of bytes, as the tutorial prints what recv returned.
assert.eq(bytes_repr("hello"), "b'hello'")
assert.eq(bytes_repr(""), "b''")
assert.eq(bytes_repr("it's"), [[b"it's"]], "a ' alone: double quotes")
assert.eq(bytes_repr([[it's "x"]]), [[b'it\'s "x"']], "both quotes: single, escaped")
assert.eq(bytes_repr("a\\b\t\n\r"), [[b'a\\b\t\n\r']])
assert.eq(bytes_repr("\228\189\160\0\127"), [[b'\xe4\xbd\xa0\x00\x7f']], "UTF-8 bytes and controls in hex")
assert.fails(function() bytes_repr({}) end, "bad argument #1 to 'bytes_repr' (data must be a string, got table)")
