package main

import (
	"bytes"
	"encoding/json"
	"net"
	"strings"
	"testing"

	"github.com/anyevent-go/anyevent/internal/testserver"
)

// ua is the User-Agent every request sends by default.
const ua = "Mozilla/5.0 (compatible; U; AnyEvent-HTTP/2.25; +http://software.schmorp.de/pkg/AnyEvent)"

// aehttp runs the command in-process with an empty stdin.
func aehttp(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	return aehttpIn(t, "", args...)
}

// aehttpIn runs the command in-process with stdin as its input.
func aehttpIn(t *testing.T, stdin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errb bytes.Buffer
	status = run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), status
}

// startServer starts a scripted server on 127.0.0.1.
func startServer(t *testing.T, script testserver.Script) *testserver.Server {
	t.Helper()
	s, err := testserver.Start("tcp4", script)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// answer answers every request of a connection with resp.
func answer(resp string) testserver.Script {
	return func(c *testserver.Conn) { c.Serve(resp) }
}

// routes answers each request with the response for its path, or with
// def for other paths, until the client closes the connection.
func routes(def string, byPath map[string]string) testserver.Script {
	return func(c *testserver.Conn) {
		for {
			req, err := c.ReadRequest()
			if err != nil {
				return
			}
			resp, ok := byPath[strings.Fields(req)[1]]
			if !ok {
				resp = def
			}
			c.Write(resp)
		}
	}
}

// answerOnce answers one request with resp, then closes the connection.
func answerOnce(resp string) testserver.Script {
	return func(c *testserver.Conn) {
		if _, err := c.ReadRequest(); err == nil {
			c.Write(resp)
		}
	}
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// wireHeaders splits a request's bytes into its request line and its
// header lines ("Name: value", as sent).
func wireHeaders(req string) (line string, hdrs []string) {
	head, _, _ := strings.Cut(req, "\r\n\r\n")
	lines := strings.Split(head, "\r\n")
	return lines[0], lines[1:]
}

// wireHeader returns the value of the header name (as sent) in req.
func wireHeader(req, name string) (string, bool) {
	_, hdrs := wireHeaders(req)
	for _, h := range hdrs {
		if k, v, ok := strings.Cut(h, ": "); ok && k == name {
			return v, true
		}
	}
	return "", false
}

// canonJSON re-encodes JSON with sorted keys, for comparisons.
func canonJSON(t *testing.T, v any) string {
	t.Helper()
	if s, ok := v.(string); ok {
		var x any
		if err := json.Unmarshal([]byte(s), &x); err != nil {
			t.Fatalf("bad JSON %q: %v", s, err)
		}
		v = x
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
