package loop

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// echoPair sets up a ping-pong over a socketpair on one loop: the server
// handle echoes what it reads, the client counts what comes back. round
// sends msg and runs the loop until the echo is in.
func echoPair(tb testing.TB) (round func()) {
	l := hsLoop(tb)
	a, b := hsPair(tb)
	if err := setNonblockFd(b); err != nil {
		tb.Fatal(err)
	}
	hsHandle(tb, l, a, &HandleOptions{OnRead: func(h *Handle) {
		buf := h.RBuf()
		h.Write(buf)
		h.Consume(len(buf))
	}})
	got := 0
	cli, err := NewHandle(l, b, &HandleOptions{OnRead: func(h *Handle) {
		got += len(h.RBuf())
		h.Consume(len(h.RBuf()))
	}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(cli.Destroy)
	msg := []byte("GET / HTTP/1.1\r\nHost: example.org\r\n\r\n")
	return func() {
		want := got + len(msg)
		cli.Write(msg)
		for got < want {
			if err := l.RunOnce(true); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

// TestHandleEchoAllocs checks PERFORMANCE.md P4: a steady-state echo round
// trip through two handles allocates nothing.
func TestHandleEchoAllocs(t *testing.T) {
	round := echoPair(t)
	for range 100 {
		round()
	}
	if allocs := testing.AllocsPerRun(1000, round); allocs != 0 {
		t.Fatalf("%v allocations per echo round trip, want 0", allocs)
	}
}

// BenchmarkHandleEcho measures one ping-pong round trip over a socketpair:
// two writes, two reads and the loop iterations between them. The kernel's
// share dominates ns/op; user-ns/op is the process's user CPU time per
// round trip (getrusage), the part the loop can change.
func BenchmarkHandleEcho(b *testing.B) {
	round := echoPair(b)
	b.ReportAllocs()
	u0 := userCPU(b)
	for b.Loop() {
		round()
	}
	b.ReportMetric(float64(userCPU(b)-u0)/float64(b.N), "user-ns/op")
}

// userCPU returns the process's user CPU time in nanoseconds.
func userCPU(tb testing.TB) int64 {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return ru.Utime.Nano()
}

func setNonblockFd(fd int) error { return unix.SetNonblock(fd, true) }

// BenchmarkHandleSetTimeout is a keep-alive client's timeout traffic: the
// request timeout set when a connection leaves the pool, the persistent
// timeout when it goes back, among 10k other armed timers.
func BenchmarkHandleSetTimeout(b *testing.B) {
	l := hsLoop(b)
	a, _ := hsPair(b)
	for i := range 10000 {
		l.Timer(time.Duration(i)*time.Millisecond, 0, func() {})
	}
	h := hsHandle(b, l, a, &HandleOptions{Timeout: 3 * time.Second})
	b.ReportAllocs()
	for b.Loop() {
		h.SetTimeout(300 * time.Second)
		h.SetTimeout(3 * time.Second)
	}
}
