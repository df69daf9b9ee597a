package trace

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/sockplay/sockplay/internal/i18n"
)

// FuzzRead: any bytes are a trace or an error, never a panic; a trace
// read is shown as text lines (English and Chinese) without one, and
// written again as JSON lines it reads back to the same events. The seed corpus is
// testdata/fuzz/FuzzRead; CI runs it for a few seconds (.ci/run):
//
//	go test -run '^$' -fuzz FuzzRead -fuzztime 5s ./trace/
func FuzzRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := Read(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		var again bytes.Buffer
		for i := range tr.Events {
			e := &tr.Events[i]
			e.TextLine(true)
			e.TextLine(false)
			e.TextLineIn(true, i18n.Chinese)
			e.DataBytes()
			e.Wall()
			e.CallName()
			line, err := e.JSONLine()
			if err != nil {
				t.Fatalf("event %d read but not written: %v", i+1, err)
			}
			again.Write(line)
		}
		back, err := Read(&again, "fuzz")
		if err != nil {
			t.Fatalf("written again, the trace does not read: %v\n%s", err, again.String())
		}
		if len(back.Events) != len(tr.Events) {
			t.Fatalf("%d events, %d after a round trip", len(tr.Events), len(back.Events))
		}
		for i := range tr.Events {
			if !reflect.DeepEqual(tr.Events[i], back.Events[i]) {
				t.Fatalf("event %d: %+v\nafter a round trip %+v", i+1, tr.Events[i], back.Events[i])
			}
		}
	})
}
