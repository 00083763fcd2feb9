package httpc

import (
	"net"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/internal/testserver"
	"github.com/anyevent-go/anyevent/loop"
)

const ua = DefaultUserAgent

// empty200 is a response without a body.
const empty200 = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

type result struct {
	body []byte
	r    *Response
}

func newClient(t testing.TB) (*loop.Loop, *Client) {
	t.Helper()
	l, err := loop.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, New(l)
}

func startServer(t testing.TB, script testserver.Script) *testserver.Server {
	t.Helper()
	s, err := testserver.Start("tcp4", script)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// runUntil runs l until n callbacks called done, failing after limit.
func runUntil(t testing.TB, l *loop.Loop, limit time.Duration, n *int) {
	t.Helper()
	deadline := l.Timer(limit, 0, func() { t.Errorf("loop: timed out after %v", limit); l.Stop() })
	defer deadline.Stop()
	for *n > 0 {
		if err := l.RunOnce(true); err != nil {
			t.Fatal(err)
		}
		if !deadline.Active() {
			return
		}
	}
}

// runFor runs l for d.
func runFor(t testing.TB, l *loop.Loop, d time.Duration) {
	t.Helper()
	stop := false
	tm := l.Timer(d, 0, func() { stop = true })
	defer tm.Stop()
	for !stop {
		if err := l.RunOnce(true); err != nil {
			t.Fatal(err)
		}
	}
}

// do runs one request to completion.
func do(t testing.TB, l *loop.Loop, cl *Client, method, url string, opts *Options) result {
	t.Helper()
	var res result
	pending := 1
	cl.Request(method, url, opts, func(body []byte, r *Response) {
		res = result{body, r}
		pending--
	})
	runUntil(t, l, 10*time.Second, &pending)
	return res
}

// reqLines splits a recorded request into its request line, its sorted
// header lines and its body.
func reqLines(req string) (line string, headers []string, body string) {
	head, body, _ := strings.Cut(req, "\r\n\r\n")
	lines := strings.Split(head, "\r\n")
	headers = append(headers, lines[1:]...)
	sort.Strings(headers)
	return lines[0], headers, body
}

func sorted(s ...string) []string {
	sort.Strings(s)
	return s
}

func checkStatus(t testing.TB, res result, status int, reason string) {
	t.Helper()
	if res.r == nil {
		t.Fatal("no response")
	}
	if res.r.Status != status || res.r.Reason != reason {
		t.Errorf("got %d %q (err %v), want %d %q", res.r.Status, res.r.Reason, res.r.Err, status, reason)
	}
}

// freePort returns a loopback port nobody listens on.
func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return p
}

// answer returns a script that answers every request with resp.
func answer(resp string) testserver.Script {
	return func(c *testserver.Conn) { c.Serve(resp) }
}

// answerBy returns a script that answers every request with what respond
// returns for it, until the client closes the connection.
func answerBy(respond func(req string) string) testserver.Script {
	return func(c *testserver.Conn) {
		for {
			req, err := c.ReadRequest()
			if err != nil {
				return
			}
			c.Write(respond(req))
		}
	}
}

// answerByLine returns a script that answers each request with the
// response whose key starts its request line ("GET /a "), or with def,
// until the client closes the connection. Keys end with the space after
// the target, so at most one matches.
func answerByLine(def string, byLine map[string]string) testserver.Script {
	return answerBy(func(req string) string {
		for start, resp := range byLine {
			if strings.HasPrefix(req, start) {
				return resp
			}
		}
		return def
	})
}

// answerOnce returns a script that answers one request with resp, then
// half-closes if close is set, and waits for the client to close.
func answerOnce(resp string, close bool) testserver.Script {
	return func(c *testserver.Conn) {
		if _, err := c.ReadRequest(); err != nil {
			return
		}
		c.Write(resp)
		if close {
			c.CloseWrite()
		}
		c.WaitEOF(5 * time.Second)
	}
}

func jar2now() time.Time { return time.Now() }

// runUntilChan runs l until ch receives, failing after 10 s.
func runUntilChan(t testing.TB, l *loop.Loop, ch <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case <-ch:
			return
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		runFor(t, l, 2*time.Millisecond)
	}
}
