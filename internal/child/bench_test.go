//go:build linux

package child

import (
	"testing"
	"time"
)

// What a child costs to start, by layer (docs/EXERCISES.md quotes the
// per-test cost of `sockplay test --sandbox`).
func BenchmarkStart(b *testing.B) {
	limits := Limits{Memory: DefaultMemory, CPU: 30 * time.Second, Files: DefaultFiles, FileSize: DefaultFileSize, Wall: 30 * time.Second}
	for _, tc := range []struct {
		name string
		spec Spec
	}{
		{"plain", Spec{Role: "echo", Payload: 1}},
		{"rlimits", Spec{Role: "echo", Payload: 1, Limits: limits}},
		{"landlock", Spec{Role: "echo", Payload: 1, Access: &Access{}}},
		{"netns", Spec{Role: "echo", Payload: 1, NetNS: true}},
		{"all", Spec{Role: "echo", Payload: 1, Access: &Access{}, NetNS: true, Limits: limits}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				p, err := Start(tc.spec)
				if err != nil {
					b.Fatal(err)
				}
				if out := p.Wait(); out.Report == nil {
					b.Fatal(out.Reason)
				}
			}
		})
	}
}
