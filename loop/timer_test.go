package loop

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestTimersFireInDeadlineOrderWithFIFOTies(t *testing.T) {
	l, clk := newFakeLoop(t)
	var got []string
	add := func(name string, after time.Duration) {
		l.Timer(after, 0, func() { got = append(got, name) })
	}
	add("c30", 30*time.Millisecond)
	add("a10", 10*time.Millisecond)
	add("b10", 10*time.Millisecond)
	add("d20", 20*time.Millisecond)
	add("e10", 10*time.Millisecond)
	clk.advance(time.Second)
	l.RunOnce(false)
	want := []string{"a10", "b10", "e10", "d20", "c30"}
	if !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

func TestTimerDoesNotFireEarly(t *testing.T) {
	l, clk := newFakeLoop(t)
	fired := 0
	l.Timer(100*time.Millisecond, 0, func() { fired++ })
	clk.advance(99 * time.Millisecond)
	l.RunOnce(false)
	if fired != 0 {
		t.Fatal("fired before its deadline")
	}
	clk.advance(time.Millisecond)
	l.RunOnce(false)
	if fired != 1 {
		t.Fatalf("fired %d times at its deadline, want 1", fired)
	}
	clk.advance(time.Second)
	l.RunOnce(false)
	if fired != 1 {
		t.Fatal("one-shot timer fired twice")
	}
}

func TestRepeatingTimerReschedulesWithoutDriftOrBursts(t *testing.T) {
	l, clk := newFakeLoop(t)
	var at []time.Duration
	start := clk.t
	l.Timer(10*time.Millisecond, 10*time.Millisecond, func() { at = append(at, clk.t.Sub(start)) })
	for range 3 {
		clk.advance(10 * time.Millisecond)
		l.RunOnce(false)
	}
	// After a stall of 55 ms the late call is rescheduled to now (libev and
	// AnyEvent's max(deadline+interval, now)): one more call on the next
	// iteration, not the five a catch-up would make, then the usual cadence.
	clk.advance(55 * time.Millisecond)
	for range 4 {
		l.RunOnce(false)
	}
	clk.advance(10 * time.Millisecond)
	l.RunOnce(false)
	want := []time.Duration{10, 20, 30, 85, 85, 95}
	for i := range want {
		want[i] *= time.Millisecond
	}
	if !slices.Equal(at, want) {
		t.Fatalf("fired at %v, want %v", at, want)
	}
}

func TestTimerStopInsideOwnCallback(t *testing.T) {
	l, clk := newFakeLoop(t)
	n := 0
	var tm *Timer
	tm = l.Timer(time.Millisecond, time.Millisecond, func() {
		n++
		tm.Stop()
		tm.Stop()
	})
	for range 5 {
		clk.advance(time.Millisecond)
		l.RunOnce(false)
	}
	if n != 1 || tm.Active() {
		t.Fatalf("calls %d active %v, want 1 false", n, tm.Active())
	}
}

func TestTimerStoppedByEarlierTimerInSameBatch(t *testing.T) {
	l, clk := newFakeLoop(t)
	var second *Timer
	fired := false
	l.Timer(time.Millisecond, 0, func() { second.Stop() })
	second = l.Timer(time.Millisecond, 0, func() { fired = true })
	clk.advance(time.Second)
	l.RunOnce(false)
	if fired {
		t.Fatal("a timer stopped by an earlier callback still fired")
	}
}

func TestTimerResetIsEvTimerAgain(t *testing.T) {
	l, clk := newFakeLoop(t)
	fired := 0
	tm := l.Timer(50*time.Millisecond, 50*time.Millisecond, func() { fired++ })
	// Activity every 40 ms keeps pushing the timeout back.
	for range 5 {
		clk.advance(40 * time.Millisecond)
		l.RunOnce(false)
		tm.Reset()
	}
	if fired != 0 {
		t.Fatalf("timer fired %d times despite resets", fired)
	}
	clk.advance(50 * time.Millisecond)
	l.RunOnce(false)
	if fired != 1 {
		t.Fatalf("fired %d after inactivity, want 1", fired)
	}
	// Reset arms a stopped repeating timer, and stops a one-shot one.
	tm.Stop()
	tm.Reset()
	if !tm.Active() || tm.Remaining() != 50*time.Millisecond {
		t.Fatalf("Reset of stopped timer: active %v remaining %v", tm.Active(), tm.Remaining())
	}
	one := l.Timer(time.Second, 0, func() {})
	one.Reset()
	if one.Active() {
		t.Fatal("Reset of a one-shot timer should stop it")
	}
}

func TestTimerStartMovesArmedTimer(t *testing.T) {
	l, clk := newFakeLoop(t)
	fired := 0
	tm := l.Timer(10*time.Millisecond, 0, func() { fired++ })
	tm.Start(100*time.Millisecond, 0)
	if len(l.timers) != 1 {
		t.Fatalf("heap holds %d entries, want 1", len(l.timers))
	}
	clk.advance(50 * time.Millisecond)
	l.RunOnce(false)
	if fired != 0 {
		t.Fatal("fired at the old deadline")
	}
	clk.advance(50 * time.Millisecond)
	l.RunOnce(false)
	if fired != 1 {
		t.Fatal("did not fire at the new deadline")
	}
}

func TestZeroDelayTimerArmedInCallbackWaitsForNextIteration(t *testing.T) {
	l, clk := newFakeLoop(t)
	n := 0
	var tm *Timer
	tm = l.Timer(0, 0, func() {
		n++
		tm.Start(0, 0)
	})
	clk.advance(time.Millisecond)
	l.RunOnce(false)
	if n != 1 {
		t.Fatalf("%d calls in one iteration, want 1", n)
	}
	l.RunOnce(false)
	if n != 2 {
		t.Fatalf("%d calls after two iterations, want 2", n)
	}
}

func TestRealTimerWakesBlockingLoop(t *testing.T) {
	l := newLoop(t)
	start := time.Now()
	fired := false
	l.Timer(20*time.Millisecond, 0, func() { fired = true })
	runUntil(t, l, 5*time.Second, func() bool { return fired })
	if el := time.Since(start); el < 20*time.Millisecond {
		t.Fatalf("fired after %v, before its 20ms deadline", el)
	}
}

func TestHeapOrderUnderRandomOperations(t *testing.T) {
	l, _ := newFakeLoop(t)
	r := rand.New(rand.NewPCG(1, 2))
	var all []*Timer
	for range 2000 {
		switch op := r.IntN(4); {
		case op < 2 || len(all) == 0:
			tm := l.NewTimer(func() {})
			tm.Start(time.Duration(r.IntN(1000)), 0)
			all = append(all, tm)
		case op == 2:
			all[r.IntN(len(all))].Stop()
		default:
			all[r.IntN(len(all))].Start(time.Duration(r.IntN(1000)), 0)
		}
	}
	checkHeap(t, l.timers)
	prev := heapSlot{when: -1}
	for len(l.timers) > 0 {
		top := l.timers[0]
		if top.before(&prev) {
			t.Fatalf("heap popped %d/%d after %d/%d", top.when, top.seq, prev.when, prev.seq)
		}
		prev = top
		l.timers.remove(0)
		checkHeap(t, l.timers)
	}
}

func checkHeap(t *testing.T, h timerHeap) {
	t.Helper()
	for i := range h {
		if h[i].t.index != i {
			t.Fatalf("slot %d: timer index %d", i, h[i].t.index)
		}
		if i > 0 && h[i].before(&h[(i-1)/heapArity]) {
			t.Fatalf("slot %d before its parent", i)
		}
	}
}

func TestTimerStartStopAllocatesNothing(t *testing.T) {
	l, _ := newFakeLoop(t)
	armTimers(l, 100_000)
	tm := l.NewTimer(func() {})
	allocs := testing.AllocsPerRun(1000, func() {
		tm.Start(time.Second, 0)
		tm.Stop()
	})
	if allocs != 0 {
		t.Fatalf("start+stop allocates %v times, want 0", allocs)
	}
}

func armTimers(l *Loop, n int) {
	r := rand.New(rand.NewPCG(3, 4))
	for range n {
		l.Timer(time.Duration(r.Int64N(int64(time.Hour))), 0, func() {})
	}
}

// BenchmarkTimerStartStop measures arming and disarming one timer with
// 100k others armed (PERFORMANCE.md P8: ≤ 100 ns, 0 allocs).
func BenchmarkTimerStartStop(b *testing.B) {
	l, _ := newFakeLoop(b)
	armTimers(l, 100_000)
	tm := l.NewTimer(func() {})
	r := rand.New(rand.NewPCG(5, 6))
	b.ReportAllocs()
	for b.Loop() {
		tm.Start(time.Duration(r.Int64N(int64(time.Hour))), 0)
		tm.Stop()
	}
}

// BenchmarkTimerReset measures pushing back an armed inactivity timeout
// with 100k others armed.
func BenchmarkTimerReset(b *testing.B) {
	l, clk := newFakeLoop(b)
	armTimers(l, 100_000)
	tm := l.Timer(time.Minute, time.Minute, func() {})
	b.ReportAllocs()
	for b.Loop() {
		clk.advance(time.Microsecond)
		l.now++
		tm.Reset()
	}
}
