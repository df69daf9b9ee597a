// Package cputime reads the process's CPU time, for benchmarks that
// report it per op (cpu-ns/op): on a shared machine it moves less than
// ns/op, which counts the time waited for a core too.
package cputime

import (
	"testing"
	"time"
)

// Report reports the process's CPU time per op since start (Now's).
func Report(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(Now()-start)/float64(b.N), "cpu-ns/op")
}
