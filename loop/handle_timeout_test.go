package loop

import (
	"slices"
	"testing"
	"time"
)

// hsClock is a clock the test moves by hand.
type hsClock struct{ t time.Time }

func (c *hsClock) Now() time.Time { return c.t }

func hsFakeLoop(t testing.TB) (*Loop, *hsClock) {
	t.Helper()
	c := &hsClock{t: time.Unix(1_700_000_000, 0)}
	l, err := NewWithConfig(Config{Clock: c})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, c
}

// step advances the fake clock by d and runs one non-blocking iteration.
func (c *hsClock) step(l *Loop, d time.Duration) {
	c.t = c.t.Add(d)
	l.RunOnce(false)
}

// One timer serves all three timeouts; each fires at its own deadline,
// re-arms for a full period from its expiry, and the timeouts without a
// callback raise ETIMEDOUT.
func TestHandleTimeoutsShareOneTimer(t *testing.T) {
	l, clk := hsFakeLoop(t)
	a, _ := hsPair(t)
	var got []string
	rec := func(s string) HandleFunc { return func(*Handle) { got = append(got, s) } }
	h := hsHandle(t, l, a, &HandleOptions{
		Timeout: 100 * time.Millisecond, RTimeout: 30 * time.Millisecond, WTimeout: 60 * time.Millisecond,
		OnRTimeout: rec("r"), OnWTimeout: rec("w"),
		OnError: func(_ *Handle, fatal bool, err error) { got = append(got, ErrorText(err)) },
	})
	if len(l.timers) != 1 {
		t.Fatalf("%d timers armed, want 1", len(l.timers))
	}
	for range 10 {
		clk.step(l, 10*time.Millisecond)
	}
	want := []string{"r", "r", "w", "r", "Connection timed out"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	h.SetRTimeout(0)
	h.SetWTimeout(0)
	h.SetTimeout(0)
	if h.tmo.t.Active() {
		t.Fatal("timer armed with every timeout disabled")
	}
}

// Setting a timeout on a handle idle for longer fires it on the loop after
// the setter returns, never inside it.
func TestHandleSetTimeoutAlreadyExpired(t *testing.T) {
	l, clk := hsFakeLoop(t)
	a, _ := hsPair(t)
	fired := 0
	h := hsHandle(t, l, a, &HandleOptions{OnTimeout: func(*Handle) { fired++ }})
	clk.step(l, 150*time.Millisecond)
	h.SetTimeout(100 * time.Millisecond)
	if fired != 0 {
		t.Fatal("SetTimeout called back before returning")
	}
	l.RunOnce(false)
	if fired != 1 {
		t.Fatalf("fired %d times, want 1 at once", fired)
	}
	clk.step(l, 99*time.Millisecond)
	if fired != 1 {
		t.Fatal("re-armed for less than a full period")
	}
	clk.step(l, time.Millisecond)
	if fired != 2 {
		t.Fatalf("fired %d times after a full period, want 2", fired)
	}
}

// Each reset pushes its deadline back without touching the timer heap;
// the timer fires at the old deadline, sees the newer activity, and
// re-arms.
func TestHandleTimeoutResetFakeClock(t *testing.T) {
	kinds := []struct {
		name  string
		opts  func(cb HandleFunc) *HandleOptions
		reset func(h *Handle)
	}{
		{"timeout", func(cb HandleFunc) *HandleOptions {
			return &HandleOptions{Timeout: 50 * time.Millisecond, OnTimeout: cb}
		}, (*Handle).TimeoutReset},
		{"rtimeout", func(cb HandleFunc) *HandleOptions {
			return &HandleOptions{RTimeout: 50 * time.Millisecond, OnRTimeout: cb}
		}, (*Handle).RTimeoutReset},
		{"wtimeout", func(cb HandleFunc) *HandleOptions {
			return &HandleOptions{WTimeout: 50 * time.Millisecond, OnWTimeout: cb}
		}, (*Handle).WTimeoutReset},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			l, clk := hsFakeLoop(t)
			a, _ := hsPair(t)
			fired := 0
			h := hsHandle(t, l, a, k.opts(func(*Handle) { fired++ }))
			for range 10 {
				clk.step(l, 40*time.Millisecond)
				k.reset(h)
			}
			if fired != 0 {
				t.Fatalf("fired %d times despite resets", fired)
			}
			clk.step(l, 50*time.Millisecond)
			if fired != 1 {
				t.Fatalf("fired %d times after inactivity, want 1", fired)
			}
		})
	}
}

// Real time: reads reset RTimeout, and only reads do.
func TestHandleRTimeoutResetByReads(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var got []string
	h := hsHandle(t, l, a, &HandleOptions{
		RTimeout:   150 * time.Millisecond,
		OnRTimeout: func(*Handle) { got = append(got, "rtimeout") },
		OnRead:     func(h *Handle) { h.Consume(len(h.RBuf())) },
	})
	feed := l.Timer(10*time.Millisecond, 10*time.Millisecond, func() { hsWrite(t, b, "x") })
	hsRunFor(t, l, 500*time.Millisecond)
	feed.Stop()
	if len(got) != 0 {
		t.Fatalf("rtimeout fired while data arrived every 10 ms: %q", got)
	}
	hsRun(t, l, 5*time.Second, func() bool { return len(got) == 1 })
	h.SetOnRTimeout(nil)
	var errs int
	h.SetOnError(func(_ *Handle, fatal bool, err error) { errs++ })
	hsRun(t, l, 5*time.Second, func() bool { return errs > 0 })
}

// Real time: writes reset Timeout and WTimeout; a blocked writer times out.
func TestHandleWTimeoutAndTimeoutResetByWrites(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var got []string
	h := hsHandle(t, l, a, &HandleOptions{
		Timeout: 150 * time.Millisecond, WTimeout: 150 * time.Millisecond,
		OnTimeout:  func(*Handle) { got = append(got, "timeout") },
		OnWTimeout: func(*Handle) { got = append(got, "wtimeout") },
	})
	done := slowReader(fdReader(b), 0)
	feed := l.Timer(10*time.Millisecond, 10*time.Millisecond, func() { h.Write([]byte("tick")) })
	hsRunFor(t, l, 500*time.Millisecond)
	feed.Stop()
	if len(got) != 0 {
		t.Fatalf("timed out while writing every 10 ms: %q", got)
	}
	hsRun(t, l, 5*time.Second, func() bool { return len(got) >= 2 })
	slices.Sort(got)
	if got[0] != "timeout" || got[1] != "wtimeout" {
		t.Fatalf("got %q, want both timeouts once writes stopped", got)
	}
	h.Destroy()
	<-done
}

// Real time: a writer blocked by a peer that does not read hits WTimeout.
func TestHandleWTimeoutWhileBlocked(t *testing.T) {
	l := hsLoop(t)
	a, _ := hsPair(t)
	fired := false
	h := hsHandle(t, l, a, &HandleOptions{WTimeout: 60 * time.Millisecond, OnWTimeout: func(*Handle) { fired = true }})
	h.Write(make([]byte, 4<<20))
	hsRun(t, l, 5*time.Second, func() bool { return fired })
	if h.WBufLen() == 0 {
		t.Fatal("the write was not blocked")
	}
}

// Real time: a timeout re-arms after each expiry until its callback
// disables it.
func TestHandleTimeoutRearmAndDisable(t *testing.T) {
	l := hsLoop(t)
	a, _ := hsPair(t)
	fired := 0
	hsHandle(t, l, a, &HandleOptions{
		Timeout: 30 * time.Millisecond,
		OnTimeout: func(h *Handle) {
			fired++
			if fired == 3 {
				h.SetTimeout(0)
			}
		},
		OnError: func(*Handle, bool, error) { t.Error("OnError with OnTimeout set") },
	})
	hsRun(t, l, 5*time.Second, func() bool { return fired == 3 })
	hsRunFor(t, l, 200*time.Millisecond)
	if fired != 3 {
		t.Fatalf("fired %d times, want 3 then disabled", fired)
	}
}

// A shorter timeout takes effect at once: it counts from the last activity
// and fires on time, not at the old, later deadline.
func TestHandleSetTimeoutShorter(t *testing.T) {
	l, clk := hsFakeLoop(t)
	a, _ := hsPair(t)
	var at []time.Duration
	start := clk.t
	h := hsHandle(t, l, a, &HandleOptions{
		Timeout:   100 * time.Millisecond,
		OnTimeout: func(*Handle) { at = append(at, clk.t.Sub(start)) },
	})
	clk.step(l, 10*time.Millisecond)
	h.SetTimeout(20 * time.Millisecond)
	for range 50 {
		clk.step(l, time.Millisecond)
	}
	want := []time.Duration{20 * time.Millisecond, 40 * time.Millisecond, 60 * time.Millisecond}
	if !slices.Equal(at, want) {
		t.Fatalf("fired at %v, want %v", at, want)
	}
}

// A longer timeout leaves the armed timer where it is; the timer fires at
// the old deadline, finds nothing expired, and re-arms for the rest.
func TestHandleSetTimeoutLonger(t *testing.T) {
	l, clk := hsFakeLoop(t)
	a, _ := hsPair(t)
	var at []time.Duration
	start := clk.t
	h := hsHandle(t, l, a, &HandleOptions{
		Timeout:   50 * time.Millisecond,
		OnTimeout: func(*Handle) { at = append(at, clk.t.Sub(start)) },
	})
	clk.step(l, 10*time.Millisecond)
	before := l.timers[0]
	h.SetTimeout(200 * time.Millisecond)
	if l.timers[0] != before {
		t.Fatal("lengthening the timeout moved the timer")
	}
	for range 45 {
		clk.step(l, 10*time.Millisecond)
	}
	want := []time.Duration{200 * time.Millisecond, 400 * time.Millisecond}
	if !slices.Equal(at, want) {
		t.Fatalf("fired at %v, want %v", at, want)
	}
}

// Reads push the deadline back without moving the timer; once they stop,
// the timeout fires one period after the last of them.
func TestHandleTimeoutResetByIO(t *testing.T) {
	l, clk := hsFakeLoop(t)
	a, b := hsPair(t)
	var at []time.Duration
	start := clk.t
	h := hsHandle(t, l, a, &HandleOptions{
		Timeout:   50 * time.Millisecond,
		OnTimeout: func(*Handle) { at = append(at, clk.t.Sub(start)) },
		OnRead:    func(h *Handle) { h.Consume(len(h.RBuf())) },
	})
	armed := l.timers[0]
	for range 10 {
		clk.step(l, 20*time.Millisecond)
		hsWrite(t, b, "x")
		for h.last[readActivity] != l.now {
			l.RunOnce(false)
		}
		if l.timers[0].when != armed.when && len(at) == 0 && l.now < armed.when {
			t.Fatal("a read moved the timer")
		}
	}
	if len(at) != 0 {
		t.Fatalf("fired at %v while data arrived every 20 ms", at)
	}
	last := time.Duration(h.last[readActivity])
	for range 60 {
		clk.step(l, time.Millisecond)
	}
	if len(at) != 1 || at[0] != last+50*time.Millisecond {
		t.Fatalf("fired at %v, want once at %v", at, last+50*time.Millisecond)
	}
}

// However often the timeout is changed back and forth before it expires,
// it fires once per expiry.
func TestHandleTimeoutFiresOnce(t *testing.T) {
	l, clk := hsFakeLoop(t)
	a, _ := hsPair(t)
	var at []time.Duration
	start := clk.t
	h := hsHandle(t, l, a, &HandleOptions{
		Timeout:   50 * time.Millisecond,
		OnTimeout: func(*Handle) { at = append(at, clk.t.Sub(start)) },
	})
	for range 49 {
		clk.step(l, time.Millisecond)
		h.SetTimeout(time.Second)
		h.SetTimeout(50 * time.Millisecond)
		h.SetTimeout(0)
		h.SetTimeout(50 * time.Millisecond)
	}
	if len(l.timers) != 1 {
		t.Fatalf("%d timers armed, want 1", len(l.timers))
	}
	for range 60 {
		clk.step(l, time.Millisecond)
	}
	want := []time.Duration{50 * time.Millisecond, 100 * time.Millisecond}
	if !slices.Equal(at, want) {
		t.Fatalf("fired at %v, want %v", at, want)
	}
}
