package luatest

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/child"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/scripts"
)

// What a check author writes in both languages (a {en=, zh=} table, as a
// message or through test.say) is read in the student's language, and so
// is what the helpers say of their misuse.
func TestWordsInTheStudentsLanguage(t *testing.T) {
	for _, c := range []struct {
		lang luabind.Language
		want map[string][]string
		log  string
	}{
		{luabind.English, map[string][]string{
			"test_say": {"testdata/lang/lang_test.lua:5: reply to one: got 1, want 2", "testdata/lang/lang_test.lua:6: as a table: got 1, want 2",
				"testdata/lang/lang_test.lua:7: en", "testdata/lang/lang_test.lua:8: plain"},
			"test_say_misuse":      {"bad argument #1 to say (a table of texts by language expected ({en = \"...\", zh = \"...\"}), got string)"},
			"test_say_empty_table": {"got a table with neither en nor zh)"},
			"test_no_script":       {`test.run: no script "no_such_script.lua": neither a file (next to the test file or here) nor a bundled script`},
			"test_bad_target":      {`a server, {host, port}, "host:port" or a socket file's path expected, got number`},
			"test_bad_args":        {"test.run: args[1] must be a string or number, got table"},
			"test_dot_call":        {"server expected (call its methods with a colon: srv:line())"},
			"test_bad_timeout":     {"(timeout must be a number of seconds >= 0)"},
		}, "testdata/lang/lang_test.lua:9: logged\t7"},
		{luabind.Chinese, map[string][]string{
			"test_say": {"testdata/lang/lang_test.lua:5: 对 one 的回复：得到 1，应为 2", "testdata/lang/lang_test.lua:6: 直接用表：得到 1，应为 2",
				"testdata/lang/lang_test.lua:7: zh", "testdata/lang/lang_test.lua:8: plain"},
			"test_say_misuse":      {"bad argument #1 to say (需要一个按语言给出文字的表（{en = \"...\", zh = \"...\"}），却得到 string)"},
			"test_say_empty_table": {"却得到 一个既没有 en 也没有 zh 的表)"},
			"test_no_script":       {`test.run: 没有脚本 "no_such_script.lua"：它既不是文件（在测试文件旁边或当前目录里），也不是内置脚本`},
			"test_bad_target":      {`需要一个服务端、{host, port}、"host:port" 或套接字文件的路径，却得到 number`},
			"test_bad_args":        {"test.run: args[1] 必须是字符串或数字，却得到 table"},
			"test_dot_call":        {"需要一个服务端（用冒号调用它的方法：srv:line()）"},
			"test_bad_timeout":     {"(timeout 必须是大于等于 0 的秒数)"},
		}, "testdata/lang/lang_test.lua:9: 记录\t7"},
	} {
		got := run(t, "testdata/lang/lang_test.lua", Options{Lang: c.lang})
		for name, wants := range c.want {
			r := got[name]
			if r == nil {
				t.Errorf("%v: %s did not run", c.lang, name)
				continue
			}
			all := strings.Join(r.Failures, "\n")
			if len(r.Failures) < len(wants) {
				t.Errorf("%v: %s: failures %q, want %d", c.lang, name, r.Failures, len(wants))
				continue
			}
			for i, want := range wants {
				if len(wants) > 1 && r.Failures[i] != want || !strings.Contains(all, want) {
					t.Errorf("%v: %s: failure %d %q, want %q", c.lang, name, i, r.Failures[i], want)
				}
			}
		}
		if r := got["test_say"]; r == nil || !strings.Contains(r.Output, c.log) {
			t.Errorf("%v: test_say's output lacks %q", c.lang, c.log)
		}
	}
}

// A test interrupted as it starts is reported in the same words whether
// it runs in this process or in a child, and in the child whether the
// interrupt came before the child listened for it (while it started up,
// as here, where the interrupt follows the start at once) or after.
func TestInterruptedAtOnceInEveryMode(t *testing.T) {
	const file = "testdata/pass_test.lua"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, lang := range []luabind.Language{luabind.English, luabind.Chinese} {
		want := []string{lang.Sprintf("interrupted")}
		for _, mode := range modes {
			if mode.opts.Isolate != nil && !child.Supported {
				continue
			}
			opts := mode.opts
			opts.Lang, opts.Scripts = lang, scripts.FS
			tests, err := discover(file, src)
			if err != nil {
				t.Fatal(err)
			}
			res := tests[0]
			if opts.Isolate != nil {
				res = runTestInChild(ctx, file, res, opts)
			} else {
				res = runTest(ctx, file, string(src), res, opts)
			}
			if !slices.Equal(res.Failures, want) {
				t.Errorf("%v, %s: %s interrupted at once: failures %q, want %q", lang, mode.name, res.Name, res.Failures, want)
			}
		}
	}
}
