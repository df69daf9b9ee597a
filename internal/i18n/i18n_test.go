package i18n

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestFromEnv(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want Lang
	}{
		{map[string]string{}, English},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, Chinese},
		{map[string]string{"LANG": "zh_TW.UTF-8"}, Chinese},
		{map[string]string{"LANG": "C.UTF-8"}, English},
		{map[string]string{"LANG": "en_US.UTF-8"}, English},
		{map[string]string{"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, English},
		{map[string]string{"LANG": "C", "LC_MESSAGES": "zh_CN.GB18030"}, Chinese},
		{map[string]string{"LC_MESSAGES": "zh_CN.UTF-8", "LC_ALL": "C"}, English},
		{map[string]string{"LC_ALL": "zh_CN.UTF-8", "LANG": "C"}, Chinese},
		{map[string]string{"LANG": "C", "SOCKPLAY_LANG": "zh"}, Chinese},
		{map[string]string{"LC_ALL": "zh_CN.UTF-8", "SOCKPLAY_LANG": "en"}, English},
		{map[string]string{"LANG": "zh_CN.UTF-8", "SOCKPLAY_LANG": "klingon"}, Chinese}, // not a language: the locale decides
		{map[string]string{"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, Chinese},               // set but empty counts as unset
	} {
		got := fromEnv(func(name string) (string, bool) {
			v, ok := c.env[name]
			return v, ok
		})
		if got != c.want {
			t.Errorf("%v: %v, want %v", c.env, got, c.want)
		}
	}
}

// What the printer gives: the translation, its arguments in place; the
// English text as fmt formats it (no grouping of a port's digits).
func TestSprintf(t *testing.T) {
	if got := English.Sprintf("%d is a port", 8090); got != "8090 is a port" {
		t.Errorf("English: %q", got)
	}
	zh := Chinese.Sprintf("%s is in use now (a server still running, in another terminal perhaps): stop it (Ctrl-C there), or use another port: a bundled server takes it as its first argument, as in sockplay run tcp/echo_server 8090 (0 picks a free one)", "127.0.0.1:8090")
	if !strings.HasPrefix(zh, "127.0.0.1:8090 现在正被占用") {
		t.Errorf("Chinese: %q", zh)
	}
	// A literal % and a Lua table in a message without arguments.
	if got := Chinese.Text("Lua writes s:match(\"^%%s*(.-)%%s*$\") for s.strip()"); got != "Lua 用 s:match(\"^%s*(.-)%s*$\") 表示 s.strip()" {
		t.Errorf("Chinese, %%: %q", got)
	}
	if got := Chinese.Text("Lua has tables for lists: {1, 2, 3}"); got != "Lua 用表（table）代替列表：{1, 2, 3}" {
		t.Errorf("Chinese, braces: %q", got)
	}
	// The blank lines around a key stay around its translation.
	if got := Chinese.Sprintf("\ncommands:\n"); got != "\n命令：\n" {
		t.Errorf("Chinese, blank lines: %q", got)
	}
	// A key the catalog does not have: the English, formatted.
	if got := Chinese.Sprintf("no such message %d", 7); got != "no such message 7" {
		t.Errorf("Chinese, unknown key: %q", got)
	}
}

var placeholderRE = regexp.MustCompile(`\{[A-Za-z_][A-Za-z0-9_]*\}`)

// Every message of the file has its translation, which uses each of the
// message's placeholders, and only those: a missing one would drop an
// argument, an unknown one print its name.
func TestEveryMessageTranslated(t *testing.T) {
	var f struct {
		Messages []struct {
			Key          string `json:"key"`
			Message      string `json:"message"`
			Translation  string `json:"translation"`
			Placeholders []struct {
				ID string `json:"id"`
			} `json:"placeholders"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(zhMessages, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Messages) < 100 {
		t.Fatalf("%d messages: the file is not the catalog", len(f.Messages))
	}
	for _, m := range f.Messages {
		if strings.TrimSpace(m.Translation) == "" {
			t.Errorf("no Chinese for %q", m.Key)
			continue
		}
		want := map[string]bool{}
		for _, p := range m.Placeholders {
			want["{"+p.ID+"}"] = true
		}
		got := map[string]bool{}
		for _, p := range placeholderRE.FindAllString(m.Translation, -1) {
			got[p] = true
		}
		for p := range want {
			if !got[p] {
				t.Errorf("%q: the translation leaves out %s: %q", m.Key, p, m.Translation)
			}
		}
		for p := range got {
			if !want[p] && !strings.Contains(m.Message, p) {
				t.Errorf("%q: the translation has %s, which is no placeholder: %q", m.Key, p, m.Translation)
			}
		}
	}
	if _, err := newCatalog(); err != nil {
		t.Fatal(err)
	}
}
