package loop

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// collectLoop returns a loop with the I/O collect interval d.
func collectLoop(t *testing.T, d time.Duration) *Loop {
	t.Helper()
	l, err := NewWithConfig(Config{IOCollectInterval: d})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// collectReader returns the peer end of a socketpair whose other end a
// watcher on l reads, counting each byte in *got.
func collectReader(t *testing.T, l *Loop, got *int) int {
	t.Helper()
	a, b := hsPair(t)
	if err := unix.SetNonblock(a, true); err != nil {
		t.Fatal(err)
	}
	var w *IO
	w, err := l.IO(a, Read, func(Events) {
		var buf [16]byte
		for {
			k, err := w.Read(buf[:]) // EAGAIN ends the readiness
			if k <= 0 || err != nil {
				return
			}
			*got += k
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Stop(); unix.Close(a) })
	return b
}

// Events that arrive one after the other within the interval are
// collected by one poll, after one sleep: one iteration reads them all.
func TestIOCollectIntervalGathersEvents(t *testing.T) {
	l := collectLoop(t, 400*time.Millisecond)
	const n = 3
	var peers [n]int
	got := 0
	for i := range peers {
		peers[i] = collectReader(t, l, &got)
	}
	l.RunOnce(false) // the previous poll
	go func() {
		for _, fd := range peers {
			time.Sleep(10 * time.Millisecond)
			unix.Write(fd, []byte("x"))
		}
	}()
	before := l.Stats()
	if err := l.RunOnce(true); err != nil {
		t.Fatal(err)
	}
	st := l.Stats()
	if got != n || st.Iterations-before.Iterations != 1 || st.Naps-before.Naps != 1 {
		t.Errorf("one blocking iteration read %d of %d events, in %d iterations with %d sleeps; want all in 1 with 1",
			got, n, st.Iterations-before.Iterations, st.Naps-before.Naps)
	}
	// The sleep lasts the rest of the interval: never less.
	if napped := st.Napped - before.Napped; napped < 390*time.Millisecond {
		t.Errorf("slept %v of a 400ms interval", napped)
	}
}

// The interval limits the rate of polls that wait: a poll that may not
// wait, or that comes longer than the interval after the previous one,
// is made at once.
func TestIOCollectIntervalOnlyRateLimits(t *testing.T) {
	l := collectLoop(t, 20*time.Millisecond)
	read := 0
	b := collectReader(t, l, &read)
	for range 5 {
		l.RunOnce(false) // may not wait
	}
	if n := l.Stats().Naps; n != 0 {
		t.Errorf("%d sleeps before polls that may not wait", n)
	}
	time.Sleep(50 * time.Millisecond) // callbacks that ran long
	unix.Write(b, []byte("x"))
	if err := l.RunOnce(true); err != nil {
		t.Fatal(err)
	}
	if n := l.Stats().Naps; read != 1 || n != 0 {
		t.Errorf("read %d with %d sleeps after a long iteration; want 1 with none", read, n)
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		unix.Write(b, []byte("y"))
	}()
	// Each wait comes right after the previous poll.
	runUntil(t, l, 5*time.Second, func() bool { return read == 2 })
	if n := l.Stats().Naps; n == 0 {
		t.Error("no sleep before the waits that followed a poll")
	}
}

// A timer due before the end of the interval runs on time: the sleep is
// cut to it.
func TestIOCollectIntervalKeepsTimers(t *testing.T) {
	l := collectLoop(t, 20*time.Second)
	l.polledAt = l.now // as if a poll had just been made
	fired := time.Time{}
	start := time.Now()
	l.Timer(30*time.Millisecond, 0, func() { fired = time.Now() })
	runUntil(t, l, 10*time.Second, func() bool { return !fired.IsZero() })
	if d := fired.Sub(start); d < 30*time.Millisecond || d > 5*time.Second {
		t.Errorf("the timer fired after %v, want 30ms", d)
	}
	if l.Stats().Naps == 0 {
		t.Error("the loop did not sleep before the timer")
	}
}

// tickClock is a clock that moves on by step each time it is read.
type tickClock struct {
	t    time.Time
	step time.Duration
}

func (c *tickClock) Now() time.Time { c.t = c.t.Add(c.step); return c.t }

// The time the iteration spent before its poll counts toward the
// interval, as libev reads its clock again just before it sleeps: here
// each reading of the clock moves it 10ms on, so by the poll of the next
// iteration 20ms of a 15ms interval have passed and there is nothing
// left to sleep (reading the time only at the iteration's start would
// leave 5ms).
func TestIOCollectIntervalCountsWorkBeforePoll(t *testing.T) {
	c := &tickClock{t: time.Unix(1_700_000_000, 0), step: 10 * time.Millisecond}
	l, err := NewWithConfig(Config{IOCollectInterval: 15 * time.Millisecond, Clock: c})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	read := 0
	b := collectReader(t, l, &read)
	unix.Write(b, []byte("x")) // the poll finds it at once
	l.polledAt = l.now         // as if a poll had just been made
	if err := l.RunOnce(true); err != nil {
		t.Fatal(err)
	}
	if n := l.Stats().Naps; read != 1 || n != 0 {
		t.Errorf("read %d with %d sleeps; want 1 with none", read, n)
	}
}
