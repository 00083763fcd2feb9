package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/internal/testserver"
)

// hm is a headers map of a --dump line.
type hm = map[string]any

// entry is an expected --dump line; body nil means null.
func entry(body *string, headers hm) hm {
	e := hm{"headers": headers, "body_b64": nil}
	if body != nil {
		e["body_b64"] = base64.StdEncoding.EncodeToString([]byte(*body))
	}
	return e
}

func str(s string) *string { return &s }

// dumpLines runs aehttp --dump and returns its JSON lines.
func dumpLines(t *testing.T, args ...string) (lines []string, stderr string, status int) {
	t.Helper()
	out, errs, status := aehttp(t, append([]string{"--dump"}, args...)...)
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines, errs, status
}

// checkDump compares one request's line with the expected entry.
func checkDump(t *testing.T, name string, want hm, args ...string) {
	t.Helper()
	lines, errs, _ := dumpLines(t, args...)
	if len(lines) != 1 {
		t.Fatalf("%s: %d lines, want 1; stderr %q", name, len(lines), errs)
	}
	if got, w := canonJSON(t, lines[0]), canonJSON(t, want); got != w {
		t.Errorf("%s:\ngot  %s\nwant %s", name, got, w)
	}
}

// TestDumpT01 is Appendix C T01: the exact default request and the
// headers map of folded, repeated and padded header lines. AnyEvent puts
// the URL's userinfo into Referer; httpc does so only with
// CompatCredentials (W6).
func TestDumpT01(t *testing.T) {
	for _, mode := range []struct{ compat, referer string }{{"", ""}, {"credentials", "User:Pw@"}} {
		s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\nX-Fold: a\r\n  b\r\nX-Trail: v  \r\n\r\nhello"))
		port := s.URL("")[len("http://127.0.0.1:"):]
		url := "http://User:Pw@LocalHost:" + port + "/a/b?q=1#frag"
		args := []string{url}
		if mode.compat != "" {
			args = append(args, "--compat", mode.compat)
		}
		checkDump(t, "T01 "+mode.compat, entry(str("hello"), hm{"HTTPVersion": "1.1", "Status": "200", "Reason": "OK", "URL": url,
			"content-length": "5", "x-a": "1,2", "x-fold": "a\n  b", "x-trail": "v  "}), args...)
		want := "GET /a/b?q=1 HTTP/1.1\r\nHost: localhost:" + port + "\r\nReferer: http://" + mode.referer + "LocalHost:" + port +
			"/a/b?q=1\r\nUser-agent: " + ua + "\r\nConnection: keep-alive, Te\r\nTe: trailers\r\n\r\n"
		if reqs := s.Requests(); len(reqs) != 1 || reqs[0] != want {
			t.Errorf("T01 %s wire:\n%q\nwant\n%q", mode.compat, reqs, want)
		}
	}
}

// TestDumpScenarios covers head, body and callback scenarios of Appendix C.
func TestDumpScenarios(t *testing.T) {
	tests := []struct {
		name   string
		script testserver.Script
		flags  []string
		want   func(url string) hm
		status int
	}{
		{"T16 reason-less status line", answer("HTTP/1.1 200\r\nX-First: y\r\nContent-Length: 2\r\n\r\nok"), nil,
			func(url string) hm {
				return entry(str("ok"), hm{"HTTPVersion": "1.1", "Status": "200", "Reason": "X-First: y", "URL": url, "content-length": "2"})
			}, exitOK},
		{"T17 no reason, no headers", answerOnce("HTTP/1.1 200\r\n\r\n"), nil,
			func(url string) hm { return entry(str(""), hm{"HTTPVersion": "1.1", "Status": "200", "URL": url}) }, exitOK},
		{"T23 100 Continue, chunked, trailers", answer("HTTP/1.1 100 Continue\r\nX-Ignored: 1\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\nX-T: head\r\n\r\n5;ext=1\r\nhello\r\n0006\r\n world\r\n0\r\nX-T: trailer\r\nX-New: n\r\n\r\n"), nil,
			func(url string) hm {
				return entry(str("hello world"), hm{"HTTPVersion": "1.1", "Status": "200", "Reason": "OK", "URL": url,
					"content-length": "11", "transfer-encoding": "gzip, Chunked", "x-t": "trailer", "x-new": "n"})
			}, exitOK},
		{"T30 truncated body", answerOnce("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), nil,
			func(url string) hm {
				return entry(nil, hm{"HTTPVersion": "1.1", "Status": "597", "Reason": "Broken pipe", "URL": url})
			}, exitPartial},
		{"T40 on_header aborts", answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"),
			[]string{"--abort-on-header"},
			func(url string) hm {
				return entry(nil, hm{"HTTPVersion": "1.1", "Status": "598", "Reason": "Request cancelled by on_header", "URL": url,
					"OrigStatus": "200", "OrigReason": "OK", "content-length": "5", "content-type": "text/plain"})
			}, exitAborted},
		{"T41 on_body streaming", func(c *testserver.Conn) {
			c.ReadRequest()
			c.Write("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nab")
			c.Pause(200 * time.Millisecond)
			c.Write("cdef")
			c.WaitEOF(5 * time.Second)
		}, []string{"--collect-body"},
			func(url string) hm {
				e := entry(str(""), hm{"HTTPVersion": "1.1", "Status": "200", "Reason": "OK", "URL": url, "content-length": "6"})
				e["on_body_b64"] = base64.StdEncoding.EncodeToString([]byte("abcdef"))
				return e
			}, exitOK},
		{"T42 on_body aborts", answer("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabcdef"), []string{"--abort-on-body"},
			func(url string) hm {
				return entry(nil, hm{"HTTPVersion": "1.1", "Status": "598", "Reason": "Request cancelled by on_body", "URL": url,
					"OrigStatus": "200", "OrigReason": "OK", "content-length": "6"})
			}, exitAborted},
		{"T50 redirect to another scheme", answer("HTTP/1.1 302 Found\r\nLocation: ftp://files.example/x\r\nContent-Length: 0\r\n\r\n"), nil,
			func(url string) hm {
				return entry(nil, hm{"URL": "ftp://files.example/x", "Status": "599", "Reason": "Only http and https URL schemes supported",
					"Redirect": entry(str(""), hm{"HTTPVersion": "1.1", "Status": "302", "Reason": "Found", "URL": url,
						"location": "ftp://files.example/x", "content-length": "0"})})
			}, exitUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t, tt.script)
			url := s.URL("/t")
			lines, errs, status := dumpLines(t, append(tt.flags, url)...)
			if len(lines) != 1 {
				t.Fatalf("%d lines, want 1; stderr %q", len(lines), errs)
			}
			if got, want := canonJSON(t, lines[0]), canonJSON(t, tt.want(url)); got != want {
				t.Errorf("\ngot  %s\nwant %s", got, want)
			}
			if status != tt.status {
				t.Errorf("exit status %d, want %d (stderr %q)", status, tt.status, errs)
			}
		})
	}
}

// t48Server is T48's server: 302 on connection A, then 307 and 200 on
// connection B.
func t48Server(c *testserver.Conn) {
	if _, err := c.ReadRequest(); err != nil {
		return
	}
	if c.N == 1 {
		c.Write("HTTP/1.1 302 Found\r\nLocation: next?x=1\r\nContent-Length: 3\r\nSet-Cookie: a=1\r\n\r\nabc")
		c.WaitEOF(5 * time.Second)
		return
	}
	c.Write("HTTP/1.1 307 Temp\r\nLocation: /final\r\nContent-Length: 0\r\n\r\n")
	c.Serve("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
}

// TestDumpT48 is Appendix C T48: POST → 302 (relative) → 307 → 200 with a
// cookie jar file, the nested Redirect chain, the jar saved after the run,
// and the saved jar loaded again by a second run. Two differences from
// AnyEvent are visible: by default "next?x=1" is resolved with RFC 3986
// (AnyEvent, and --compat location, cut at the last "/" of path+query:
// W16), and the cookie package stores the RFC 6265 default path "/dir"
// where AnyEvent stored "/" (W4), so the cookie goes to the /dir hop but
// not to /final.
func TestDumpT48(t *testing.T) {
	for _, mode := range []struct{ compat, hop2 string }{
		{"", "/dir/next?x=1"},
		{"all", "/dir/page?next=/next?x=1"},
	} {
		t.Run("compat="+mode.compat, func(t *testing.T) { testT48(t, mode.compat, mode.hop2) })
	}
}

func testT48(t *testing.T, compat, hop2 string) {
	s := startServer(t, t48Server)
	jarPath := filepath.Join(t.TempDir(), "jar.json")
	base := s.URL("")
	args := []string{"-d", "BODY", "-H", "Content-Type: text/plain", "-H", "Authorization: Basic xx",
		"--cookie-jar", jarPath, base + "/dir/page?next=/foo"}
	if compat != "" {
		args = append(args, "--compat", compat)
	}
	lines, errs, status := dumpLines(t, args...)
	if status != exitOK || len(lines) != 1 {
		t.Fatalf("status %d, %d lines, stderr %q", status, len(lines), errs)
	}
	hop1 := entry(str("abc"), hm{"Status": "302", "Reason": "Found", "URL": base + "/dir/page?next=/foo", "HTTPVersion": "1.1",
		"location": base + hop2, "set-cookie": "a=1", "content-length": "3"})
	hop2e := entry(str(""), hm{"Status": "307", "Reason": "Temp", "URL": base + hop2, "HTTPVersion": "1.1",
		"location": base + "/final", "content-length": "0", "Redirect": hop1})
	want := entry(str("ok"), hm{"Status": "200", "Reason": "OK", "URL": base + "/final", "HTTPVersion": "1.1",
		"content-length": "2", "Redirect": hop2e})
	if got, w := canonJSON(t, lines[0]), canonJSON(t, want); got != w {
		t.Errorf("T48:\ngot  %s\nwant %s", got, w)
	}
	reqs := s.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	if req := reqs[0]; !strings.HasPrefix(req, "POST /dir/page?next=/foo HTTP/1.1\r\n") || !strings.HasSuffix(req, "\r\n\r\nBODY") {
		t.Errorf("wire 1: %q", req)
	}
	for i, path := range []string{hop2, "/final"} {
		req := reqs[i+1]
		line, _ := wireHeaders(req)
		for _, h := range []string{"Authorization: Basic xx", "Content-type: text/plain", "Connection: keep-alive, Te"} {
			if !strings.Contains(req, "\r\n"+h+"\r\n") {
				t.Errorf("wire %d lacks %q:\n%s", i+2, h, req)
			}
		}
		cookie, hasCookie := wireHeader(req, "Cookie")
		if _, hasLen := wireHeader(req, "Content-length"); line != "GET "+path+" HTTP/1.1" || hasLen || !strings.HasSuffix(req, "\r\n\r\n") ||
			hasCookie != (i == 0) || (hasCookie && cookie != "a=1") {
			t.Errorf("wire %d: %q", i+2, req)
		}
	}
	checkSavedJar(t, jarPath)

	// The saved jar is loaded by the next run and its cookie sent.
	s2 := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
	if _, errs, status := dumpLines(t, "--cookie-jar", jarPath, s2.URL("/dir/again")); status != exitOK {
		t.Fatalf("second run: status %d, stderr %q", status, errs)
	}
	if reqs := s2.Requests(); len(reqs) != 1 || !strings.Contains(reqs[0], "\r\nCookie: a=1\r\n") {
		t.Errorf("second run did not send the saved cookie: %q", reqs)
	}
}

// checkSavedJar checks T48's jar: {version 2, 127.0.0.1: {/dir: {a: {value: 1}}}}
// (AnyEvent: path "/", W4).
func checkSavedJar(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var j struct {
		Version int                                           `json:"version"`
		Host    map[string]map[string]struct{ Value *string } `json:"127.0.0.1"`
	}
	if err := json.Unmarshal(data, &j); err != nil {
		t.Fatalf("jar %s: %v", data, err)
	}
	if c, ok := j.Host["/dir"]["a"]; j.Version != 2 || !ok || c.Value == nil || *c.Value != "1" || len(j.Host) != 1 {
		t.Errorf("saved jar %s", data)
	}
}

// TestDumpSequential checks that several URLs run one after the other
// with the pause between them, and reuse one pooled connection.
func TestDumpSequential(t *testing.T) {
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	start := time.Now()
	lines, errs, status := dumpLines(t, "--pause", "150", s.URL("/1"), s.URL("/2"), s.URL("/3"))
	elapsed := time.Since(start)
	if status != exitOK || len(lines) != 3 {
		t.Fatalf("status %d, %d lines, stderr %q", status, len(lines), errs)
	}
	for i, l := range lines {
		if !strings.Contains(l, `"URL":"`+s.URL("/"+string(rune('1'+i)))+`"`) {
			t.Errorf("line %d out of order: %s", i, l)
		}
	}
	if elapsed < 300*time.Millisecond {
		t.Errorf("3 requests with --pause 150 took %v, want at least 300ms", elapsed)
	}
	if s.Accepted() != 1 {
		t.Errorf("%d connections, want 1 (sequential requests reuse the pooled one)", s.Accepted())
	}
}
