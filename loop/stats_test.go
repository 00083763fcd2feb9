package loop

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Stats counts every read and write system call of Handles and IO
// watchers, EAGAIN results included, and the iterations.
func TestStatsCountsCalls(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var got []byte
	h := hsHandle(t, l, a, &HandleOptions{OnRead: func(h *Handle) {
		got = append(got, h.RBuf()...)
		h.Consume(len(h.RBuf()))
	}})
	before := l.Stats()
	h.Write([]byte("ping")) // one write, at once
	if s := l.Stats(); s.Writes != before.Writes+1 || s.Reads != before.Reads {
		t.Fatalf("after one Write: %+v, before %+v", s, before)
	}
	hsWrite(t, b, "pong")
	hsRun(t, l, 5*time.Second, func() bool { return len(got) == 4 })
	after := l.Stats()
	// "pong" in one read; a short read of a socket proves it drained, so
	// no read returns EAGAIN.
	if after.Reads != before.Reads+1 || after.Iterations <= before.Iterations || after.Iterations != l.Iterations() {
		t.Fatalf("after reading pong: %+v, before %+v", after, before)
	}

	// Two owned slices make two chunks: the corked flush is one writev.
	c, d := hsPair(t)
	hc := hsHandle(t, l, c, &HandleOptions{Autocork: true})
	hc.WriteOwned([]byte("wri"))
	hc.WriteOwned([]byte("tev"))
	beforeV := l.Stats()
	l.flushCorked()
	if s := l.Stats(); s.Writes != beforeV.Writes+1 || hsPending(t, d) != "writev" {
		t.Fatalf("a two-chunk flush: %+v, before %+v", s, beforeV)
	}
	after = l.Stats()

	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	unix.SetNonblock(p[0], true)
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	w, err := l.IO(p[0], Read, func(Events) {})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if _, err := w.Read(make([]byte, 8)); err != unix.EAGAIN {
		t.Fatalf("read of an empty pipe: %v", err)
	}
	if s := l.Stats(); s.Reads != after.Reads+1 {
		t.Fatalf("an EAGAIN read of an IO watcher is not counted: %+v", s)
	}
}
