package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/luabind"
)

// The words the page shows are pageWords, and no other: app.js's T("...")
// calls and index.html's data-t elements (data-t-title: their title).
func TestPageWords(t *testing.T) {
	var used []string
	for _, m := range regexp.MustCompile(`\bT\("((?:[^"\\]|\\.)*)"`).FindAllStringSubmatch(pageJS, -1) {
		var s string
		if err := json.Unmarshal([]byte(`"`+m[1]+`"`), &s); err != nil {
			t.Fatalf("app.js: T(%q): %v", m[1], err)
		}
		used = append(used, s)
	}
	for _, m := range regexp.MustCompile(`<[a-z0-9]+[^>]*\sdata-t>([^<]*)<`).FindAllStringSubmatch(pageHTML, -1) {
		used = append(used, html.UnescapeString(m[1]))
	}
	for _, m := range regexp.MustCompile(`<[a-z0-9]+[^>]*\stitle="([^"]*)"[^>]*\sdata-t-title[\s>]`).FindAllStringSubmatch(pageHTML, -1) {
		used = append(used, html.UnescapeString(m[1]))
	}
	if len(used) < 40 {
		t.Fatalf("only %d words found in the page: does it still say them with T and data-t?", len(used))
	}
	listed := map[string]bool{}
	for _, w := range pageWords {
		if listed[w] {
			t.Errorf("pageWords has %q twice", w)
		}
		listed[w] = true
	}
	for _, w := range used {
		if !listed[w] {
			t.Errorf("the page says %q, which is not in pageWords (pagetext.go): it would stay English", w)
		}
	}
	for _, w := range pageWords {
		if !slices.Contains(used, w) && w != whyLost && w != whyUnreadable {
			t.Errorf("pageWords has %q, which the page does not say", w)
		}
	}
}

// The page's words in Chinese: each translated, with the same {0}, {1}
// the page fills in; in English each is its own text.
func TestPageTexts(t *testing.T) {
	var en, zh map[string]string
	if err := json.Unmarshal(pageTexts(i18n.English), &en); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(pageTexts(i18n.Chinese), &zh); err != nil {
		t.Fatal(err)
	}
	holes := regexp.MustCompile(`\{\d\}`)
	for _, w := range pageWords {
		n := strings.Count(w, "%s")
		want := w
		for i := range n {
			want = strings.Replace(want, "%s", fmt.Sprintf("{%d}", i), 1)
		}
		if en[w] != want {
			t.Errorf("%q in English: %q, want %q", w, en[w], want)
		}
		z := zh[w]
		if !strings.ContainsFunc(z, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("%q in Chinese: %q", w, z)
		}
		got := holes.FindAllString(z, -1)
		slices.Sort(got)
		if wantHoles := holes.FindAllString(want, -1); !slices.Equal(got, wantHoles) {
			t.Errorf("%q in Chinese: %q fills in %v, want %v", w, z, got, wantHoles)
		}
	}
}

// A view in Chinese: the page says zh-CN and carries its words, and the
// diagram it sends is drawn in Chinese; the socket calls stay.
func TestChinesePage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	v := startView(t, Options{Name: "zh", Lang: i18n.Chinese})
	resp, err := http.Get(v.URL())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	for _, want := range []string{`<html lang="zh-CN">`, `"Sockets":"套接字"`, `"live":"实时"`, `<script id="texts" type="application/json">{`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page has no %s", want)
		}
	}
	if strings.Contains(page, "/*TEXTS*/") {
		t.Error("the page's words are not in it")
	}

	c := dialPage(t, ctx, v)
	readFrames(t, ctx, c, "the first frame", func(f map[string]json.RawMessage) bool { return f["procs"] != nil })
	rt := luabind.New(luabind.Options{Trace: &luabind.TraceOptions{Live: v.Sink()}})
	defer rt.Close()
	go rt.RunString(ctx, "zh", `local a, b = socket.socketpair()
a:sendall("hello")
assert(b:recv(100) == "hello")`, nil)
	var d diagramView
	readFrames(t, ctx, c, "the exchange in the diagram", func(f map[string]json.RawMessage) bool {
		return json.Unmarshal(f["diagram"], &d) == nil && strings.Contains(d.SVG, "sendall 5 字节 &#34;hello&#34;")
	})
	for _, want := range []string{"时序图：", "握手", "时间自上而下", "recv(100) → 5 字节"} {
		if !strings.Contains(d.SVG, want) {
			t.Errorf("the diagram has no %q", want)
		}
	}
	for _, english := range []string{"Sequence diagram", "time flows down", " bytes"} {
		if strings.Contains(d.SVG, english) {
			t.Errorf("the Chinese diagram has %q", english)
		}
	}
}
