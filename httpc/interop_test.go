package httpc

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/internal/nginx"
)

// nginxHTTP is the http block of the interop nginx (internal/nginx adds
// the rest; ARCHITECTURE decision 6: real peers, started by the tests,
// loopback only).
func nginxHTTP(dir string, port int) string {
	return fmt.Sprintf(`	keepalive_requests 10000;
	server {
		listen 127.0.0.1:%[2]d;
		root "%[1]s/html";
		location = /hello { default_type text/plain; return 200 "hello world\n"; }
		location = /conn { default_type text/plain; return 200 "$connection $connection_requests"; }
		location = /moved { return 301 /hello; }
		location /gz/ { gzip on; gzip_min_length 1; gzip_types text/plain; default_type text/plain; }
	}`, nginx.Quote(dir), port)
}

// startNginx starts nginx on a free loopback port and returns the base
// URL. Without nginx the test is skipped, or fails under CI=true.
func startNginx(t testing.TB) string {
	t.Helper()
	bin := nginx.Path()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("nginx is missing (install nginx-light)")
		}
		t.Skip("nginx is missing (install nginx-light)")
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "html/gz"), 0o755); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("hello chunked world\n", 5000)
	if err := os.WriteFile(filepath.Join(dir, "html/gz/big.txt"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := nginx.Start(bin, dir, nginxHTTP)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return "http://" + s.Addr
}

func TestNginx(t *testing.T) {
	base := startNginx(t)
	l, cl := newClient(t)

	res := do(t, l, cl, "GET", base+"/hello", nil)
	checkStatus(t, res, 200, "OK")
	if string(res.body) != "hello world\n" || res.r.Header()["content-type"] != "text/plain" {
		t.Errorf("hello: %q %q", res.body, res.r.Header())
	}

	// Keep-alive: one connection serves the sequence.
	var first string
	for i := 1; i <= 3; i++ {
		res = do(t, l, cl, "GET", base+"/conn", nil)
		conn, n, _ := strings.Cut(string(res.body), " ")
		if i == 1 {
			first = conn
		}
		if conn != first || n != fmt.Sprint(i+1) { // /hello was the first
			t.Errorf("request %d: %q (first connection %s)", i, res.body, first)
		}
	}

	res = do(t, l, cl, "HEAD", base+"/hello", nil)
	checkStatus(t, res, 200, "OK")
	if len(res.body) != 0 || res.r.Header()["content-length"] != "12" {
		t.Errorf("HEAD: %q %q", res.body, res.r.Header())
	}

	res = do(t, l, cl, "GET", base+"/moved", nil)
	checkStatus(t, res, 200, "OK")
	if string(res.body) != "hello world\n" || res.r.Redirect == nil || res.r.Redirect.Response.Status != 301 || res.r.URL != base+"/hello" {
		t.Errorf("redirect: %q %+v", res.body, res.r)
	}
}

// TestNginxChunked reads a gzip-encoded chunked body from nginx.
func TestNginxChunked(t *testing.T) {
	base := startNginx(t)
	l, cl := newClient(t)
	res := do(t, l, cl, "GET", base+"/gz/big.txt", &Options{Headers: []HeaderField{{Name: "Accept-Encoding", Value: "gzip"}}})
	checkStatus(t, res, 200, "OK")
	h := res.r.Header()
	if h["transfer-encoding"] != "chunked" || h["content-encoding"] != "gzip" {
		t.Fatalf("headers %q", h)
	}
	zr, err := gzip.NewReader(bytes.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || string(plain) != strings.Repeat("hello chunked world\n", 5000) {
		t.Errorf("body: %d bytes, err %v", len(plain), err)
	}
	if h["content-length"] != fmt.Sprint(len(res.body)) || cl.Idle() != 1 {
		t.Errorf("content-length %q for %d bytes, idle %d", h["content-length"], len(res.body), cl.Idle())
	}
}

// BenchmarkNginxKeepAlive keeps 64 keep-alive requests in flight against
// nginx on one loop (PERFORMANCE.md method, without CPU pinning) and
// reports the client's CPU time per request.
func BenchmarkNginxKeepAlive(b *testing.B) {
	base := startNginx(b)
	l, cl := newClient(b)
	cl.MaxPerHost = 64
	url := base + "/hello"
	started, done := 0, 0
	var cb DoneFunc
	cb = func(body []byte, r *Response) {
		if r.Status != 200 {
			b.Fatalf("status %d %s", r.Status, r.Reason)
		}
		done++
		if started < b.N {
			started++
			cl.Get(url, nil, cb)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	var ru0, ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	for ; started < min(64, b.N); started++ {
		cl.Get(url, nil, cb)
	}
	for done < b.N {
		l.RunOnce(true)
	}
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano()-ru0.Utime.Nano()) + time.Duration(ru1.Stime.Nano()-ru0.Stime.Nano())
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/req")
	b.ReportMetric(float64(time.Duration(ru1.Utime.Nano()-ru0.Utime.Nano()).Nanoseconds())/1e3/float64(b.N), "user-µs/req")
}
