package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/internal/testserver"
)

// TestStdout checks the body on stdout and -i's heads, of every hop of a
// redirect, before it, exactly as the server sent them (as curl -i shows).
func TestStdout(t *testing.T) {
	s := startServer(t, routes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-B: 2\r\nX-A: 1\r\n\r\nhello",
		map[string]string{"/old": "HTTP/1.1 301 Moved\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n"}))
	out, errs, status := aehttp(t, s.URL("/new"))
	if out != "hello" || errs != "" || status != exitOK {
		t.Errorf("plain: %q, stderr %q, status %d", out, errs, status)
	}
	out, _, _ = aehttp(t, s.URL("/old"), "-i")
	want := "HTTP/1.1 301 Moved\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-B: 2\r\nX-A: 1\r\n\r\nhello"
	if out != want {
		t.Errorf("-i:\n%q\nwant\n%q", out, want)
	}
	out, _, _ = aehttp(t, "--recurse", "0", s.URL("/old"))
	if out != "" || len(s.Requests()) != 4 {
		t.Errorf("--recurse 0 followed the redirect: %q, %d requests", out, len(s.Requests()))
	}
}

// TestRequestFlags checks what -X, -H, -d, --data-binary and the
// persistence switches put on the wire.
func TestRequestFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "data")
	if err := os.WriteFile(file, []byte("line1\r\nline2\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want []string // request line, then headers that must be present
		not  []string // header names that must be absent
		body string
	}{
		{"default", nil, []string{"GET /p HTTP/1.1", "Connection: keep-alive, Te", "Te: trailers", "User-agent: " + ua}, []string{"Content-length"}, ""},
		{"-H suppresses defaults", []string{"-H", "User-Agent:", "-H", "Referer:", "-H", "te:", "-H", "X-Mixed-Case: v", "-H", "X-Empty;"},
			[]string{"GET /p HTTP/1.1", "X-mixed-case: v", "X-empty: "}, []string{"User-agent", "Referer", "Te"}, ""},
		{"-X", []string{"-X", "patch"}, []string{"PATCH /p HTTP/1.1", "Connection: close, Te"}, []string{"Content-length"}, ""},
		{"-d", []string{"-d", "a=1", "-d", "b=2"}, []string{"POST /p HTTP/1.1", "Content-length: 7",
			"Content-type: application/x-www-form-urlencoded", "Connection: close, Te"}, nil, "a=1&b=2"},
		{"-d @file", []string{"-d", "@" + file, "-X", "PUT", "-H", "Content-Type: text/plain"},
			[]string{"PUT /p HTTP/1.1", "Content-length: 10", "Content-type: text/plain"}, nil, "line1line2"},
		{"--data-binary @file", []string{"--data-binary", "@" + file, "-H", "Content-Type:"},
			[]string{"POST /p HTTP/1.1", "Content-length: 13"}, []string{"Content-type"}, "line1\r\nline2\n"},
		{"--data-binary @- reads stdin", []string{"--data-binary", "@-"},
			[]string{"POST /p HTTP/1.1", "Content-length: 12"}, nil, "from\r\nstdin\n"},
		{"-d @- reads stdin", []string{"-d", "@-"}, []string{"POST /p HTTP/1.1", "Content-length: 9"}, nil, "fromstdin"},
		{"--no-keepalive", []string{"--no-keepalive"}, []string{"GET /p HTTP/1.1", "Connection: Te"}, nil, ""},
		{"--no-persistent", []string{"--no-persistent"}, []string{"GET /p HTTP/1.1", "Connection: close, Te"}, nil, ""},
		{"--persistent POST, last switch wins", []string{"-d", "x", "--no-persistent", "--persistent", "--keepalive"},
			[]string{"POST /p HTTP/1.1", "Connection: keep-alive, Te"}, nil, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
			_, errs, status := aehttpIn(t, "from\r\nstdin\n", append(tt.args, s.URL("/p"))...)
			reqs := s.Requests()
			if status != exitOK || len(reqs) != 1 {
				t.Fatalf("status %d, %d requests, stderr %q", status, len(reqs), errs)
			}
			line, hdrs := wireHeaders(reqs[0])
			all := "\n" + strings.Join(hdrs, "\n") + "\n"
			if line != tt.want[0] {
				t.Errorf("request line %q, want %q", line, tt.want[0])
			}
			for _, h := range tt.want[1:] {
				if !strings.Contains(all, "\n"+h+"\n") {
					t.Errorf("lacks %q:\n%s", h, reqs[0])
				}
			}
			for _, n := range tt.not {
				if _, ok := wireHeader(reqs[0], n); ok {
					t.Errorf("has %s:\n%s", n, reqs[0])
				}
			}
			if _, body, _ := strings.Cut(reqs[0], "\r\n\r\n"); body != tt.body {
				t.Errorf("body %q, want %q", body, tt.body)
			}
		})
	}
}

// slowServer answers each request with its path after a pause.
func slowServer(pause time.Duration) testserver.Script {
	return func(c *testserver.Conn) {
		for {
			req, err := c.ReadRequest()
			if err != nil {
				return
			}
			path := strings.Fields(req)[1]
			c.Pause(pause)
			c.Write("HTTP/1.1 200 OK\r\nContent-Length: " + string(rune('0'+len(path))) + "\r\n\r\n" + path)
		}
	}
}

// TestSeveralURLs checks that several URLs run concurrently on one loop,
// print in command-line order, and that --max-per-host limits them.
func TestSeveralURLs(t *testing.T) {
	const pause = 300 * time.Millisecond
	s := startServer(t, slowServer(pause))
	start := time.Now()
	out, errs, status := aehttp(t, s.URL("/a"), s.URL("/b"), s.URL("/c"))
	elapsed := time.Since(start)
	if out != "/a/b/c" || status != exitOK {
		t.Fatalf("stdout %q, status %d, stderr %q", out, status, errs)
	}
	if elapsed > 2*pause || s.Accepted() != 3 {
		t.Errorf("3 URLs took %v on %d connections: not concurrent", elapsed, s.Accepted())
	}

	s = startServer(t, slowServer(pause))
	start = time.Now()
	out, _, _ = aehttp(t, "--max-per-host", "1", s.URL("/a"), s.URL("/b"), s.URL("/c"))
	if elapsed := time.Since(start); out != "/a/b/c" || elapsed < 3*pause || s.Accepted() != 1 {
		t.Errorf("--max-per-host 1: %q in %v on %d connections, want one connection used in turn", out, elapsed, s.Accepted())
	}
}

// TestOrderWithFailure checks that a later URL's output waits for an
// earlier slow one, and that the failing URL sets the exit status.
func TestOrderWithFailure(t *testing.T) {
	s := startServer(t, slowServer(200*time.Millisecond))
	dead := "http://" + closedPort(t) + "/"
	out, errs, status := aehttp(t, s.URL("/slow"), dead, s.URL("/x"))
	if out != "/slow/x" || status != exitConnect || errs != "aehttp: "+dead+": 595 Connection refused\n" {
		t.Errorf("stdout %q, status %d, stderr %q", out, status, errs)
	}
}

// TestVerbose checks -v's trace: every phase in order, with times, the
// request head as written (headers the client adds included) and the
// response head as received.
func TestVerbose(t *testing.T) {
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	out, errs, _ := aehttp(t, "-v", "-H", "X-Y: z", s.URL("/v"))
	if out != "ok" {
		t.Errorf("stdout %q", out)
	}
	var phases []string
	for _, line := range strings.Split(errs, "\n") {
		if f := strings.Fields(line); len(f) == 4 && f[0] == "*" && f[1] == "[1]" {
			phases = append(phases, f[2])
			if _, err := time.ParseDuration(strings.TrimPrefix(f[3], "+")); err != nil {
				t.Errorf("bad time in %q", line)
			}
		}
	}
	if got := strings.Join(phases, " "); got != "Resolve Connect Write Header Body Done" {
		t.Errorf("phases %q in:\n%s", got, errs)
	}
	host := strings.TrimPrefix(s.URL(""), "http://")
	for _, want := range []string{"> [1] GET /v HTTP/1.1\n", "> [1] Host: " + host + "\n", "> [1] X-y: z\n",
		"> [1] User-agent: ", "< [1] HTTP/1.1 200 OK\n", "< [1] Content-Length: 2\n"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
}

// TestTimeout checks --timeout against a server that never answers.
func TestTimeout(t *testing.T) {
	s := startServer(t, func(c *testserver.Conn) { c.ReadRequest(); c.Stall() })
	start := time.Now()
	_, errs, status := aehttp(t, "--timeout", "0.2", s.URL("/"))
	if elapsed := time.Since(start); status != exitTimeout || elapsed > 2*time.Second ||
		errs != "aehttp: "+s.URL("/")+": 596 Connection timed out\n" {
		t.Errorf("status %d after %v, stderr %q", status, elapsed, errs)
	}
}

// TestExitStatus checks the curl-like exit statuses.
func TestExitStatus(t *testing.T) {
	tests := []struct {
		name   string
		script testserver.Script
		args   []string
		url    string // overrides the server URL
		status int
	}{
		{"404 is a response", answer("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"), nil, "", exitOK},
		{"unsupported scheme", nil, nil, "ftp://x/", exitUnsupported},
		{"unparsable URL", nil, nil, "http:///path", exitBadURL},
		{"bad method", nil, []string{"-X", "GE T"}, "", exitBadURL},
		{"refused", nil, nil, "http://" + closedPort(t) + "/", exitConnect},
		{"garbage reply", answerOnce("garbage\r\n\r\n"), nil, "", exitWeird},
		{"truncated body", answerOnce("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), nil, "", exitPartial},
		{"garbled chunks", answerOnce("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), nil, "", exitRecv},
		{"head then close", answerOnce("HTTP/1.1 200 OK\r\nX: partial"), nil, "", exitRecv},
		{"redirect budget", nil, []string{"--recurse", "-1"}, "http://127.0.0.1:1/", exitRedirects},
		{"usage: no URL", nil, []string{"-i"}, "-v", exitUsage},
		{"usage: bad flag", nil, []string{"--nope"}, "", exitUsage},
		{"usage: bad header", nil, []string{"-H", "NoColon"}, "", exitUsage},
		{"usage: -C without -o", nil, []string{"-C"}, "", exitUsage},
		{"usage: bad --compat", nil, []string{"--compat", "nope"}, "", exitUsage},
		{"missing data file", nil, []string{"--data-binary", "@/nonexistent/file"}, "", exitRead},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := tt.url
			if url == "" {
				script := tt.script
				if script == nil {
					script = answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
				}
				url = startServer(t, script).URL("/")
			}
			_, errs, status := aehttp(t, append(tt.args, url)...)
			if status != tt.status {
				t.Errorf("status %d, want %d; stderr %q", status, tt.status, errs)
			}
			if status != exitOK && errs == "" {
				t.Error("failure without a message on stderr")
			}
		})
	}
}
