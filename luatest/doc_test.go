package luatest

import "testing"

// A test's comment: the description, the hint, and the two in Chinese,
// each section running on over the lines that follow it.
func TestDocComment(t *testing.T) {
	lines := []string{
		"-- not this one",
		"",
		"-- The server answers",
		"-- in upper case.",
		"-- hint: send data:upper() back,",
		"-- with sendall.",
		"-- zh: 服务端用大写回答。",
		"-- zh hint: 用 sendall 把",
		"-- data:upper() 发回去。",
		"function test_upper()",
	}
	got := docComment(lines, 10)
	want := comment{
		doc:    "The server answers in upper case.",
		hint:   "send data:upper() back, with sendall.",
		docZh:  "服务端用大写回答。",
		hintZh: "用 sendall 把 data:upper() 发回去。",
	}
	if got != want {
		t.Errorf("docComment:\n got %+v\nwant %+v", got, want)
	}
	if got := docComment([]string{"-- Just a description.", "function test_x()"}, 2); got != (comment{doc: "Just a description."}) {
		t.Errorf("docComment without hint: %+v", got)
	}
}
