package ui

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// The discovery socket: how a run finds the view its user started. The
// view listens on a Unix socket in a folder of the user's own (mode
// 0700), and a run with --ui connects there first. Being a socket in a
// private folder, it tells nothing to other users, and nothing to a
// sandboxed script either: the sandbox lets a script connect only to
// AF_UNIX sockets in its own temporary folder, and read only regular
// files.

// DefaultDir is the folder of the discovery socket:
// $XDG_RUNTIME_DIR/sockplay, else sockplay-UID in the temporary folder
// (sockplay in it on Windows, where that folder is the user's own).
func DefaultDir() string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "sockplay")
	}
	if os.Getuid() < 0 {
		return filepath.Join(os.TempDir(), "sockplay")
	}
	return filepath.Join(os.TempDir(), "sockplay-"+strconv.Itoa(os.Getuid()))
}

const socketName = "ui.sock"

// privateDir makes dir if needed and checks that it is this user's
// alone: a folder another user made, or could write in, could hold a
// socket of theirs posing as the view.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() || !ownedAlone(st) {
		return fmt.Errorf("%s is not a folder of this user's alone (mode 0700): the view does not use it", dir)
	}
	return nil
}

// listenDiscovery listens on the discovery socket, unless a view already
// answers there. A socket file left by a view that crashed is replaced.
func listenDiscovery(dir string) (net.Listener, string, error) {
	if err := privateDir(dir); err != nil {
		return nil, "", err
	}
	path := filepath.Join(dir, socketName)
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return nil, "", errors.New("another view has the discovery socket")
	}
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, "", err
	}
	return sameUserListener{ln.(*net.UnixListener)}, path, nil
}

// sameUserListener accepts only connections from this user's processes
// (the peer's credentials, discovery_unix.go): the folder's mode keeps
// the others out already.
type sameUserListener struct{ *net.UnixListener }

func (l sameUserListener) Accept() (net.Conn, error) {
	for {
		c, err := l.AcceptUnix()
		if err != nil {
			return nil, err
		}
		if samePeer(c) {
			return c, nil
		}
		c.Close()
	}
}

// discoveryClient is an HTTP client that reaches the view through its
// discovery socket in dir; errNoView if no view answers there.
func discoveryClient(dir string) (*http.Client, error) {
	path := filepath.Join(dir, socketName)
	if st, err := os.Lstat(dir); err != nil || !st.IsDir() {
		return nil, errNoView
	}
	if privateDir(dir) != nil {
		return nil, errNoView
	}
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return nil, errNoView
	}
	c.Close()
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}
	return &http.Client{Transport: &http.Transport{DialContext: dial}}, nil
}
