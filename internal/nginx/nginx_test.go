package nginx

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// needNginx returns the nginx program; without it the test is skipped, or
// fails under CI=true.
func needNginx(t *testing.T) string {
	t.Helper()
	bin := Path()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("nginx is missing (install nginx-light)")
		}
		t.Skip("nginx is missing (install nginx-light)")
	}
	return bin
}

// helloBlock answers /hello from the configuration and serves files from
// dir/html, quoting dir as Start asks.
func helloBlock(dir string, port int) string {
	return fmt.Sprintf(`	server {
		listen 127.0.0.1:%d;
		root "%s/html";
		location = /hello { default_type text/plain; return 200 "hi"; }
	}`, port, Quote(dir))
}

func get(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A prefix directory with a space and a quote in its name works: every
// path in the configuration is quoted.
func TestStartOddDirectory(t *testing.T) {
	bin := needNginx(t)
	dir := filepath.Join(t.TempDir(), `with space "and quote"`)
	if err := os.MkdirAll(filepath.Join(dir, "html"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "html", "f.txt"), []byte("file"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Start(bin, dir, helloBlock)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if got := get(t, "http://"+s.Addr+"/hello"); got != "hi" {
		t.Errorf("/hello: %q", got)
	}
	if got := get(t, "http://"+s.Addr+"/f.txt"); got != "file" {
		t.Errorf("/f.txt: %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "nginx.pid")); err != nil {
		t.Errorf("pid file not in the prefix directory: %v", err)
	}
}

// A configuration nginx rejects fails Start at once, with nginx's words.
func TestStartBadConfigFailsFast(t *testing.T) {
	bin := needNginx(t)
	start := time.Now()
	_, err := Start(bin, t.TempDir(), func(string, int) string { return "\tno_such_directive on;" })
	if err == nil {
		t.Fatal("Start succeeded")
	}
	if !strings.Contains(err.Error(), "no_such_directive") {
		t.Errorf("error does not quote nginx: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v: the exit was not noticed", d)
	}
}

// A port taken between choosing it and nginx binding it is replaced.
func TestStartRetriesTakenPort(t *testing.T) {
	bin := needNginx(t)
	busy, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := busy.Addr().(*net.TCPAddr).Port
	calls := 0
	pickPort = func() (int, error) {
		calls++
		if calls == 1 {
			return busyPort, nil
		}
		return freePort()
	}
	defer func() { pickPort = freePort }()
	dir := t.TempDir()
	s, err := Start(bin, dir, helloBlock)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if calls != 2 || s.Addr == busy.Addr().String() {
		t.Fatalf("%d port choices, address %s (busy %s)", calls, s.Addr, busy.Addr())
	}
	if got := get(t, "http://"+s.Addr+"/hello"); got != "hi" {
		t.Errorf("/hello: %q", got)
	}
}
