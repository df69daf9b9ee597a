package hexdump

import "testing"

func TestDumpMatchesHexdumpC(t *testing.T) {
	data := []byte("The quick brown fox\x00\x01\xff jumps over the lazy dog.\n")
	want := "00000000  54 68 65 20 71 75 69 63  6b 20 62 72 6f 77 6e 20  |The quick brown |\n" +
		"00000010  66 6f 78 00 01 ff 20 6a  75 6d 70 73 20 6f 76 65  |fox... jumps ove|\n" +
		"00000020  72 20 74 68 65 20 6c 61  7a 79 20 64 6f 67 2e 0a  |r the lazy dog..|\n" +
		"00000030\n"
	if got := Dump(data); got != want {
		t.Errorf("Dump:\n%s\nwant\n%s", got, want)
	}
	if got := Dump(nil); got != "" {
		t.Errorf("Dump(nil) = %q", got)
	}
}

func TestLine(t *testing.T) {
	for _, tc := range []struct {
		data  string
		total int
		want  string
	}{
		{"ab\x00", 11, "61 62 00 |ab.|"},
		{"hello", 5, "68 65 6c 6c 6f |hello|"},
		{"\x7f\xff ", 3, "7f ff 20 |.. |"},
		// UTF-8 text as text, its control characters as dots.
		{"你好\n", 7, "e4 bd a0 e5 a5 bd 0a |你好.|"},
		{"é!", 3, "c3 a9 21 |é!|"},
		// Cut in the middle of a character: text, and a dot per byte of it.
		{"你\xe5\xa5", 10, "e4 bd a0 e5 a5 |你..|"},
		// Not UTF-8: bytes. GBK's 没 (c3 bb) is no "»".
		{"\xc4\xe3\xc3\xbb", 4, "c4 e3 c3 bb |....|"},
		{"ab\xc3\xbb\xff", 5, "61 62 c3 bb ff |ab...|"},
		// A cut that is no UTF-8 either.
		{"\xff\xe5\xa5", 9, "ff e5 a5 |...|"},
	} {
		if got := Line([]byte(tc.data), tc.total); got != tc.want {
			t.Errorf("Line(%q, %d) = %q, want %q", tc.data, tc.total, got, tc.want)
		}
	}
}
