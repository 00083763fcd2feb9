package loop

import (
	"testing"
	"time"
)

// fakeClock is a Clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newLoop(t testing.TB) *Loop {
	t.Helper()
	l, err := New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func newFakeLoop(t testing.TB) (*Loop, *fakeClock) {
	t.Helper()
	c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l, err := NewWithConfig(Config{Clock: c})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, c
}

// runUntil runs l until done reports true, failing the test after limit.
func runUntil(t testing.TB, l *Loop, limit time.Duration, done func() bool) {
	t.Helper()
	guard := l.Timer(limit, 0, func() {})
	defer guard.Stop()
	deadline := time.Now().Add(limit)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not reached within %v", limit)
		}
		if err := l.RunOnce(true); err != nil {
			t.Fatal(err)
		}
	}
}
