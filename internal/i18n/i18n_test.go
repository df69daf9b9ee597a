package i18n

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestFromEnv(t *testing.T) {
	for _, c := range []struct {
		env    map[string]string
		system Lang // what the system's settings say
		want   Lang
	}{
		{map[string]string{}, English, English},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, English, Chinese},
		{map[string]string{"LANG": "zh_TW.UTF-8"}, English, Chinese},
		{map[string]string{"LANG": "C.UTF-8"}, English, English},
		{map[string]string{"LANG": "en_US.UTF-8"}, English, English},
		{map[string]string{"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, English, English},
		{map[string]string{"LANG": "C", "LC_MESSAGES": "zh_CN.GB18030"}, English, Chinese},
		{map[string]string{"LC_MESSAGES": "zh_CN.UTF-8", "LC_ALL": "C"}, English, English},
		{map[string]string{"LC_ALL": "zh_CN.UTF-8", "LANG": "C"}, English, Chinese},
		{map[string]string{"LANG": "C", "SOCKPLAY_LANG": "zh"}, English, Chinese},
		{map[string]string{"LC_ALL": "zh_CN.UTF-8", "SOCKPLAY_LANG": "en"}, English, English},
		{map[string]string{"LANG": "zh_CN.UTF-8", "SOCKPLAY_LANG": "klingon"}, English, Chinese}, // not a language: the locale decides
		{map[string]string{"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, English, Chinese},               // set but empty counts as unset
		// With no locale set, the system's languages decide (Windows, macOS).
		{map[string]string{}, Chinese, Chinese},
		{map[string]string{"LC_ALL": "", "LANG": ""}, Chinese, Chinese},
		{map[string]string{"SOCKPLAY_LANG": "klingon"}, Chinese, Chinese},
		{map[string]string{"LC_CTYPE": "UTF-8"}, Chinese, Chinese}, // macOS's ssh sends it: not a language
		// An explicit locale wins over the system's.
		{map[string]string{"LANG": "en_US.UTF-8"}, Chinese, English},
		{map[string]string{"LANG": "C"}, Chinese, English},
		{map[string]string{"SOCKPLAY_LANG": "en"}, Chinese, English},
	} {
		asked := false
		got := fromEnv(func(name string) (string, bool) {
			v, ok := c.env[name]
			return v, ok
		}, func() Lang {
			asked = true
			return c.system
		})
		if got != c.want {
			t.Errorf("%v, system %v: %v, want %v", c.env, c.system, got, c.want)
		}
		// The system is asked only when the environment says nothing:
		// on macOS the asking runs a program.
		decided := false
		for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
			decided = decided || c.env[name] != ""
		}
		if _, ok := Parse(c.env["SOCKPLAY_LANG"]); ok {
			decided = true
		}
		if asked != !decided {
			t.Errorf("%v: system asked %v, want %v", c.env, asked, !decided)
		}
	}
}

// A language tag as Windows, macOS or a locale variable spells it.
func TestTagLang(t *testing.T) {
	for _, c := range []struct {
		tag  string
		want Lang
		ok   bool
	}{
		{"zh-CN", Chinese, true},
		{"zh-Hans-CN", Chinese, true},
		{"zh-Hans", Chinese, true},
		{"zh-SG", Chinese, true},
		{"zh_CN.UTF-8", Chinese, true},
		{"zh_CN.GB18030", Chinese, true},
		{"zh_CN", Chinese, true},
		{"zh", Chinese, true},
		{"ZH-cn", Chinese, true},
		{" zh-CN\n", Chinese, true},
		// Traditional too, as LANG=zh_TW always was: Simplified is
		// readable to its reader, English less so.
		{"zh-TW", Chinese, true},
		{"zh-HK", Chinese, true},
		{"zh-Hant-TW", Chinese, true},
		{"zh_TW.Big5", Chinese, true},
		{"en-US", English, true},
		{"en_GB.UTF-8", English, true},
		{"en", English, true},
		{"en_US@rg=cnzzzz", English, true},
		{"", English, false},
		{"C", English, false},
		{"C.UTF-8", English, false},
		{"POSIX", English, false},
		{"de-DE", English, false},
		{"ja_JP.UTF-8", English, false},
		{"zhx", English, false},
		{"english", English, false},
		{"-zh", English, false},
		{"\x00zh", English, false},
		{"((", English, false},
	} {
		got, ok := tagLang(c.tag)
		if got != c.want || ok != c.ok {
			t.Errorf("tagLang(%q) = %v, %v; want %v, %v", c.tag, got, ok, c.want, c.ok)
		}
	}
}

// The first of the user's languages that we speak decides, as a native
// program takes the first it has a translation for.
func TestFromSystem(t *testing.T) {
	for _, c := range []struct {
		tags []string
		want Lang
	}{
		{nil, English},
		{[]string{}, English},
		{[]string{"zh-Hans-CN", "en-US"}, Chinese},
		{[]string{"en-US", "zh-Hans-CN"}, English},
		{[]string{"fr-FR", "zh-CN", "en-US"}, Chinese},
		{[]string{"fr-FR", "en-GB", "zh-CN"}, English},
		{[]string{"ja-JP", "de-DE"}, English},
		{[]string{"", "zh-TW"}, Chinese},
		{[]string{"zh_CN"}, Chinese}, // AppleLocale's spelling
	} {
		if got := fromSystem(c.tags); got != c.want {
			t.Errorf("fromSystem(%q) = %v, want %v", c.tags, got, c.want)
		}
	}
}

// What macOS's defaults prints for an array and for a string.
func TestParseDefaultsArray(t *testing.T) {
	for _, c := range []struct {
		out  string
		want []string
	}{
		{"(\n    \"zh-Hans-CN\",\n    \"en-US\"\n)\n", []string{"zh-Hans-CN", "en-US"}},
		{"(\n    en,\n    \"zh-Hans\"\n)\n", []string{"en", "zh-Hans"}},
		{"(\n)\n", nil},
		{"zh_CN\n", []string{"zh_CN"}},
		{"", nil},
		{"\n", nil},
	} {
		got := parseDefaultsArray(c.out)
		if strings.Join(got, "|") != strings.Join(c.want, "|") || len(got) != len(c.want) {
			t.Errorf("parseDefaultsArray(%q) = %q, want %q", c.out, got, c.want)
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
