package extract

import (
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"golang.org/x/text/message/pipeline"
)

// The translation file holds the messages the code has now, as go
// generate writes it, each with its translation: a message added, or
// changed, without its Chinese fails here. The extraction runs in
// `go run gen.go -check`, a program without the race detector, under
// which type-checking every package takes minutes.
func TestCatalogCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("extracting the messages type-checks the packages: seconds")
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(goTool, "run", "gen.go", "-check")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("go run gen.go -check: %v\n%s", err, out)
	}
}

// A tr("...") of a script is a message as gotext writes one: each %s a
// placeholder, %% a percent.
func TestLuaMessage(t *testing.T) {
	m := luaMessage("[server] received %s from %s (100%%)")
	if m.Key != "[server] received %s from %s (100%%)" || m.Message.Msg != "[server] received {Arg1} from {Arg2} (100%)" {
		t.Errorf("key %q, message %q", m.Key, m.Message.Msg)
	}
	want := []pipeline.Placeholder{
		{ID: "Arg1", String: "%[1]s", Type: "string", UnderlyingType: "string", ArgNum: 1},
		{ID: "Arg2", String: "%[2]s", Type: "string", UnderlyingType: "string", ArgNum: 2},
	}
	if !reflect.DeepEqual(m.Placeholders, want) {
		t.Errorf("placeholders %+v", m.Placeholders)
	}
}

// Merge keeps a translation by its key and lists the keys without one.
func TestMerge(t *testing.T) {
	old := &File{Messages: []pipeline.Message{
		{Key: "kept", Translation: pipeline.Text{Msg: "保留"}},
		{Key: "gone", Translation: pipeline.Text{Msg: "删除"}},
	}}
	f, missing := Merge("zh", []pipeline.Message{{Key: "kept"}, {Key: "new"}}, old)
	if len(f.Messages) != 2 || f.Messages[0].Translation.Msg != "保留" || f.Messages[1].Translation.Msg != "" {
		t.Errorf("merged %+v", f.Messages)
	}
	if len(missing) != 1 || missing[0] != "new" {
		t.Errorf("missing %v", missing)
	}
}
