package loop

import (
	"errors"
	"testing"
)

// RunOnce and Run called from a callback are refused and run nothing:
// a nested iteration would run callbacks under the one that called, and
// could move the buffers its views point into.
func TestRecursiveIterationIsRefused(t *testing.T) {
	l := newLoop(t)
	ran := 0
	var once, run error
	l.Defer(func() {
		l.Defer(func() { ran++ })
		once = l.RunOnce(false)
		l.Stop() // so that an accepted Run would return
		run = l.Run()
	})
	if err := l.RunOnce(false); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(once, ErrRecursiveWait) || !errors.Is(run, ErrRecursiveWait) {
		t.Errorf("RunOnce %v, Run %v inside a callback; want ErrRecursiveWait", once, run)
	}
	if ran != 1 { // by the outer iteration, after the callback returned
		t.Errorf("the deferred function ran %d times, want once", ran)
	}
}
