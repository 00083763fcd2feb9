package looptest

import (
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/loop"
)

// RunUntil runs l until done reports true, failing the test after limit
// of real time. A goroutine posts a no-op every 20ms so that a loop with
// a fake clock, or with nothing to do, never sleeps long past the moment
// to check done.
func RunUntil(t testing.TB, l *loop.Loop, limit time.Duration, done func() bool) {
	t.Helper()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				l.Post(func() {})
			}
		}
	}()
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
