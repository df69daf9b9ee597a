package lualib

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	lua "github.com/sockplay/sockplay/lua"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// The encoding module: text between UTF-8 (what a Lua string holds when it
// holds text) and the encodings other programs send, as Python's
// bytes.decode / str.encode. The tutorial's command client decodes the
// output of Windows' cmd.exe as GBK, for instance.

type codec struct {
	name    string // as error messages and encoding.names() show it
	aliases []string
	enc     encoding.Encoding
}

// codecs is a fixed table (not state): names are matched without case,
// "-", "_" or spaces, so "Shift-JIS", "shift_jis" and "SJIS" all work.
var codecs = []codec{
	{"utf-8", []string{"utf8", "u8"}, unicode.UTF8},
	{"gbk", []string{"gbk", "cp936", "ms936", "windows936"}, simplifiedchinese.GBK},
	{"gb18030", []string{"gb18030"}, simplifiedchinese.GB18030},
	{"big5", []string{"big5", "cp950", "big5tw"}, traditionalchinese.Big5},
	{"shift_jis", []string{"shiftjis", "sjis", "cp932", "ms932", "windows31j"}, japanese.ShiftJIS},
	{"euc-kr", []string{"euckr", "cp949", "uhc"}, korean.EUCKR},
	{"utf-16le", []string{"utf16le"}, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)},
	{"utf-16be", []string{"utf16be"}, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)},
	// Python's "utf-16": a byte order mark says the order (written when
	// encoding, little-endian as on x86).
	{"utf-16", []string{"utf16"}, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)},
	{"latin-1", []string{"latin1", "iso88591", "l1", "8859"}, charmap.ISO8859_1},
}

func normEncodingName(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '-', '_', ' ':
			return -1
		}
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

func findCodec(name string) (*codec, bool) {
	n := normEncodingName(name)
	for i := range codecs {
		if normEncodingName(codecs[i].name) == n {
			return &codecs[i], true
		}
		for _, a := range codecs[i].aliases {
			if a == n {
				return &codecs[i], true
			}
		}
	}
	return nil, false
}

func codecNames() []string {
	names := make([]string, len(codecs))
	for i, c := range codecs {
		names[i] = c.name
	}
	sort.Strings(names)
	return names
}

// OpenEncoding installs the encoding module: a global, also
// require("encoding"). Its errors are error values (OpenErrors):
// UnicodeDecodeError and UnicodeEncodeError, ValueErrors as in Python.
func OpenEncoding(L *lua.LState) {
	OpenErrors(L)
	SetModule(L, "encoding", L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"decode": encodingDecode,
		"encode": encodingEncode,
		"names":  encodingNames,
	}))
}

// codecArgs reads (data, name, errors?) of encoding.decode/encode.
func codecArgs(L *lua.LState, fname string) (string, *codec, bool) {
	data := CheckString(L, 1, fname, "data")
	name := CheckString(L, 2, fname, "encoding name")
	c, ok := findCodec(name)
	if !ok {
		ArgError(L, 2, fname, fmt.Sprintf("unknown encoding %s (known: %s)", ShowArg(lua.LString(name)), strings.Join(codecNames(), ", ")))
	}
	replace := false
	switch v := L.Get(3).(type) {
	case *lua.LNilType:
	case lua.LString:
		switch v {
		case "strict":
		case "replace":
			replace = true
		default:
			ArgError(L, 3, fname, "errors must be \"strict\" or \"replace\", got "+ShowArg(v))
		}
	default:
		ArgError(L, 3, fname, "errors must be \"strict\" or \"replace\", got "+TypeName(v))
	}
	return data, c, replace
}

// encoding.decode(data, name, errors?) -> text   (bytes in encoding name to UTF-8; errors "strict" (default) raises UnicodeDecodeError, "replace" puts U+FFFD for bad bytes)
func encodingDecode(L *lua.LState) int {
	data, c, replace := codecArgs(L, "encoding.decode")
	out, bad, badLen := decodeText(c.enc, []byte(data))
	if bad >= 0 && !replace {
		e := NewError(L, "UnicodeDecodeError", NoErrno, fmt.Sprintf(
			"'%s' codec can't decode %s at position %d: invalid or incomplete sequence (errors=\"replace\" puts U+FFFD instead)",
			c.name, byteList([]byte(data[bad:bad+badLen])), bad+1))
		e.RawSetString("position", lua.LNumber(bad+1))
		e.RawSetString("encoding", lua.LString(c.name))
		L.Error(e, 0)
	}
	L.Push(lua.LString(out))
	return 1
}

// encoding.encode(text, name, errors?) -> data   (UTF-8 text to bytes in encoding name; "strict" raises UnicodeEncodeError for a character it lacks, "replace" puts "?")
func encodingEncode(L *lua.LState) int {
	text, c, replace := codecArgs(L, "encoding.encode")
	out, bad, why := encodeText(c.enc, text, replace)
	if bad >= 0 {
		e := NewError(L, "UnicodeEncodeError", NoErrno, fmt.Sprintf(
			"'%s' codec can't encode %s at position %d: %s", c.name, why, bad+1, encodeAdvice(why)))
		e.RawSetString("position", lua.LNumber(bad+1))
		e.RawSetString("encoding", lua.LString(c.name))
		L.Error(e, 0)
	}
	L.Push(lua.LString(out))
	return 1
}

func encodeAdvice(why string) string {
	if strings.HasPrefix(why, "byte") {
		return "the text is not valid UTF-8 (decode it first)"
	}
	return "the encoding has no such character (errors=\"replace\" puts \"?\" instead)"
}

// encoding.names() -> {"big5", "euc-kr", ...}   (the encodings known, by their main name)
func encodingNames(L *lua.LState) int {
	t := L.NewTable()
	for _, n := range codecNames() {
		t.Append(lua.LString(n))
	}
	L.Push(t)
	return 1
}

func byteList(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("0x%02x", c)
	}
	if len(b) == 1 {
		return "byte " + parts[0]
	}
	return "bytes " + strings.Join(parts, " ")
}

// decodeText decodes data with every invalid sequence replaced by U+FFFD,
// and reports where the first invalid sequence is (bad < 0: none) and its
// length.
func decodeText(enc encoding.Encoding, data []byte) (out string, bad, badLen int) {
	res, _, err := transform.Bytes(enc.NewDecoder(), data)
	if err == nil && !bytes.ContainsRune(res, utf8.RuneError) {
		return string(res), -1, 0
	}
	// U+FFFD in the output is either a bad sequence or an encoded U+FFFD:
	// decode one character at a time to tell them apart.
	dec := enc.NewDecoder()
	replacement, _ := enc.NewEncoder().String("\uFFFD")
	var dst [16]byte
	for pos := 0; pos < len(data); {
		nDst, nSrc := 0, 0
		for k := 1; pos+k <= len(data); k++ {
			atEOF := pos+k == len(data)
			var terr error
			nDst, nSrc, terr = dec.Transform(dst[:], data[pos:pos+k], atEOF)
			if terr != transform.ErrShortSrc || nSrc > 0 {
				break
			}
		}
		if nSrc == 0 { // cannot happen: at end of input the decoder consumes
			return string(res), pos, len(data) - pos
		}
		if r, _ := utf8.DecodeRune(dst[:nDst]); nDst > 0 && r == utf8.RuneError && string(data[pos:pos+nSrc]) != replacement {
			return string(res), pos, nSrc
		}
		pos += nSrc
	}
	if err != nil {
		return string(res), 0, min(len(data), 1)
	}
	return string(res), -1, 0
}

// encodeText encodes UTF-8 text. In strict mode (replace false), bad >= 0
// is the byte position of the first invalid UTF-8 byte or character the
// encoding lacks, and why names it.
func encodeText(enc encoding.Encoding, text string, replace bool) (out string, bad int, why string) {
	if utf8.ValidString(text) {
		if res, _, err := transform.String(enc.NewEncoder(), text); err == nil {
			return res, -1, ""
		}
	}
	// Find the bad bytes and characters one by one; with replace, encode
	// the text with "?" in their place.
	var clean strings.Builder
	e := enc.NewEncoder()
	for pos := 0; pos < len(text); {
		r, size := utf8.DecodeRuneInString(text[pos:])
		if r == utf8.RuneError && size == 1 {
			if !replace {
				return "", pos, fmt.Sprintf("byte 0x%02x", text[pos])
			}
			clean.WriteByte('?')
		} else if _, err := e.String(text[pos : pos+size]); err != nil {
			if !replace {
				return "", pos, fmt.Sprintf("character %q (U+%04X)", r, r)
			}
			clean.WriteByte('?')
		} else {
			clean.WriteString(text[pos : pos+size])
		}
		pos += size
	}
	res, _, _ := transform.String(enc.NewEncoder(), clean.String())
	return res, -1, ""
}
