package loop

import (
	"slices"
	"testing"
	"time"
)

func TestDeferRunsAfterRegisteringCallReturnsInFIFOOrder(t *testing.T) {
	l := newLoop(t)
	var got []int
	returned := false
	l.Defer(func() {
		if !returned {
			t.Error("deferred function ran before Defer returned")
		}
		got = append(got, 1)
		l.Defer(func() { got = append(got, 3) })
	})
	l.Defer(func() { got = append(got, 2) })
	returned = true
	if len(got) != 0 {
		t.Fatal("Defer ran something synchronously")
	}
	l.RunOnce(false)
	if want := []int{1, 2, 3}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

func TestDeferChainIsBoundedPerIteration(t *testing.T) {
	l := newLoop(t)
	n := 0
	var again func()
	again = func() {
		n++
		if n < 100 {
			l.Defer(again)
		}
	}
	l.Defer(again)
	l.RunOnce(false)
	if n != maxDeferPasses {
		t.Fatalf("%d passes in one iteration, want %d", n, maxDeferPasses)
	}
	if l.Timeout() != 0 {
		t.Fatal("loop would sleep with deferred work pending")
	}
	for n < 100 {
		l.RunOnce(false)
	}
}

func TestStopBeforeRunEndsFirstIteration(t *testing.T) {
	l := newLoop(t)
	l.Stop()
	ran := false
	l.Defer(func() { ran = true })
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	if !ran {
		t.Fatal("iteration did not run")
	}
}

func TestStopFromCallbackEndsRun(t *testing.T) {
	l := newLoop(t)
	n := 0
	l.Timer(0, 0, func() { n++; l.Stop() })
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("timer ran %d times", n)
	}
}

func TestIdleRunsOnlyWhenNothingElseHappened(t *testing.T) {
	l, clk := newFakeLoop(t)
	idle := 0
	w := l.Idle(func() { idle++ })
	l.Defer(func() {})
	l.RunOnce(true) // must not block: an idle watcher is active
	if idle != 0 {
		t.Fatal("idle ran in an iteration that ran a deferred function")
	}
	l.RunOnce(true)
	if idle != 1 {
		t.Fatalf("idle ran %d times in a quiet iteration, want 1", idle)
	}
	l.Timer(time.Millisecond, 0, func() {})
	clk.advance(time.Millisecond)
	l.RunOnce(false)
	if idle != 1 {
		t.Fatal("idle ran in an iteration that fired a timer")
	}
	w.Stop()
	w.Stop()
	l.RunOnce(false)
	if idle != 1 {
		t.Fatal("stopped idle watcher ran")
	}
}

func TestCloseMakesLoopUnusable(t *testing.T) {
	l, err := New()
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if err := l.RunOnce(false); err != ErrClosed {
		t.Fatalf("RunOnce after Close: %v", err)
	}
	if err := l.Post(func() {}); err != ErrClosed {
		t.Fatalf("Post after Close: %v", err)
	}
	if _, err := l.IO(0, Read, func(Events) {}); err != ErrClosed {
		t.Fatalf("IO after Close: %v", err)
	}
	if l.Close() != nil {
		t.Fatal("second Close failed")
	}
}
