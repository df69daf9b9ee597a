package main

import (
	"bytes"
	"context"
	"fmt"
	"hash/crc32"
	"regexp"
	"testing"
	"time"
)

func TestEmbedRunsScriptWithHostModule(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, &out); err != nil {
		t.Fatalf("run: %v\noutput:\n%s", err, out.String())
	}
	if !regexp.MustCompile(`^checksum server on 127\.0\.0\.1:\d+ \(host examples/embed\)\n`).MatchString(out.String()) {
		t.Errorf("first line wrong:\n%s", out.String())
	}
	for _, w := range []string{"hello", "sockplay"} {
		want := fmt.Sprintf("%s -> crc32 %08x\n", w, crc32.ChecksumIEEE([]byte(w)))
		if !bytes.Contains(out.Bytes(), []byte(want)) {
			t.Errorf("missing %q in output:\n%s", want, out.String())
		}
	}
}
