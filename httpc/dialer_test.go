package httpc

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/socket"
	"golang.org/x/sys/unix"
)

// blackhole returns a loopback port on 127.0.0.1 whose listener has a full
// accept queue: Linux then drops further SYNs, so connecting can only time
// out (socket's tests use the same trick).
func blackhole(t testing.TB) int {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("relies on Linux dropping SYNs to a listener with a full accept queue")
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0) // no CLOEXEC: darwin lacks the flag; the test closes it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, _ := unix.Getsockname(fd)
	port := sa.(*unix.SockaddrInet4).Port
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for range 16 {
		nc, err := net.DialTimeout("tcp4", addr, 300*time.Millisecond)
		if err != nil {
			return port
		}
		t.Cleanup(func() { nc.Close() })
	}
	t.Fatal("accept queue never filled up: the kernel did not drop SYNs")
	return 0
}

// T14: the connect timeout is per address. A host whose only address
// drops SYNs fails with 595 "Connection timed out"; with a second address
// the timed-out one is left for the next, and the reason is the last
// attempt's.
func TestConnectTimeout(t *testing.T) {
	port := blackhole(t)
	l, cl := newClient(t)
	cl.Resolver = testResolver(t, l, "127.0.0.1 slow-first\n127.0.0.2 slow-first\n"+
		"127.0.0.2 slow-last\n127.0.0.1 slow-last\n")
	o := &Options{Timeout: 100 * time.Millisecond}
	for _, tc := range []struct {
		host, reason string
		attempts     int
	}{
		{"127.0.0.1", "Connection timed out", 1},
		{"slow-first", "Connection refused", 2}, // 127.0.0.2 has no listener on the port
		{"slow-last", "Connection timed out", 2},
	} {
		url := fmt.Sprintf("http://%s:%d/", tc.host, port)
		prepared := 0
		o.OnPrepare = func(int) time.Duration { prepared++; return o.Timeout }
		res := do(t, l, cl, "GET", url, o)
		checkExact(t, res, want{nilBody: true, status: 595, reason: tc.reason, url: url})
		var e *Error
		if !errors.As(res.r.Err, &e) || e.Phase != PhaseConnect || e.Timeout() != (tc.reason == "Connection timed out") {
			t.Errorf("%s: Err %v", tc.host, res.r.Err)
		}
		var se *socket.Error
		if !errors.As(res.r.Err, &se) || se.Addr.Port() != uint16(port) {
			t.Errorf("%s: no socket.Error with the failed address in %v", tc.host, res.r.Err)
		}
		if prepared != tc.attempts {
			t.Errorf("%s: %d attempts, want %d", tc.host, prepared, tc.attempts)
		}
	}
	if cl.Active() != 0 {
		t.Errorf("active %d", cl.Active())
	}
}

// The default prepare callback gives each attempt the request's timeout;
// a user OnPrepare returning 0 leaves the attempt to the kernel (spec
// §15.1), and the connector still reports PhaseConnect.
func TestConnectPhases(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 204 No\r\n\r\n"))
	cl.Resolver = testResolver(t, l, "127.0.0.1 name.test\n")
	var seen []Phase
	cl.trace = func(_, to Phase) { seen = append(seen, to) }
	url := fmt.Sprintf("http://name.test:%d/", s.Port())
	res := do(t, l, cl, "GET", url, &Options{OnPrepare: func(int) time.Duration { return 0 }})
	checkExact(t, res, want{status: 204, reason: "No", version: "1.1", url: url})
	if fmt.Sprint(seen) != "[Connect Write Header Done]" {
		t.Errorf("phases %v", seen)
	}
}

// Until the TLS engine is wired in, an https request fails with AnyEvent's
// 596 for a missing TLS library after connecting, and nothing is sent in
// clear text.
func TestHTTPSWithoutTLS(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answerOnce("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false))
	url := fmt.Sprintf("https://127.0.0.1:%d/", s.Port())
	res := do(t, l, cl, "GET", url, nil)
	checkExact(t, res, want{nilBody: true, status: 596, reason: "TLS support not available on this system", url: url})
	if e, ok := res.r.Err.(*Error); !ok || e.Phase != PhaseTLS {
		t.Errorf("Err %v", res.r.Err)
	}
	runFor(t, l, 20*time.Millisecond)
	if len(s.Requests()) != 0 || cl.Active() != 0 || cl.Idle() != 0 {
		t.Errorf("requests %q active %d idle %d", s.Requests(), cl.Active(), cl.Idle())
	}
}
