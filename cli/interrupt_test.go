//go:build unix

package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/sockplay/sockplay/internal/i18n"
)

// The test binary is also the command "sockplay-term-stuck" (testscript's
// re-run mechanism, as the root package's tests run sockplay), for the
// one case a real run no longer produces: a run that SIGTERM cannot stop
// (every wait of the runtime is interruptible now; a Go call that never
// returns is what is left).
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"sockplay-term-stuck": termStuck})
}

// termStuck watches signals as a run does, signals itself SIGTERM and
// then ignores its cancelled context, as a Go call that never returns.
func termStuck() {
	termGrace = 200 * time.Millisecond
	_, stop := interruptible(i18n.FromEnv(), os.Stderr)
	defer stop()
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	select {}
}

// SIGTERM: when the run cannot stop, the process exits after the grace
// anyway, with status 130 and the reason, so a grader's job ends; the
// reason is in the user's language.
func TestTermGraceEndsAStuckRun(t *testing.T) {
	termStuckSays(t, "en", "sockplay: the run did not end within 200ms of SIGTERM\n\ninterrupted\n")
	termStuckSays(t, "zh", "sockplay: 收到 SIGTERM 后 200ms 内运行没有结束\n\n已中断\n")
}

func termStuckSays(t *testing.T, lang, want string) {
	t.Helper()
	var stderr bytes.Buffer
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// testscript.Main runs a command by the name the process is called.
	cmd := &exec.Cmd{Path: exe, Args: []string{"sockplay-term-stuck"}, Env: append(os.Environ(), "SOCKPLAY_LANG="+lang)}
	cmd.Stderr = &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != exitInterrupted {
			t.Fatalf("exit: %v, want status %d; stderr:\n%s", err, exitInterrupted, &stderr)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running 30s after SIGTERM; stderr:\n%s", &stderr)
	}
	if !strings.HasSuffix(stderr.String(), want) {
		t.Errorf("%s: stderr %q, want it to end with %q", lang, &stderr, want)
	}
}
