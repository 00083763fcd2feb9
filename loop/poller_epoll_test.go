//go:build linux

package loop

import (
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// A signal that interrupts the loop's sleep (EINTR) is not a wake-up: the
// loop sleeps on until its timer is due, in one iteration (P9). The kernel
// interrupts threads so when a loop's io_uring is torn down, too.
func TestSleepResumesAfterInterruption(t *testing.T) {
	l := newLoop(t)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	tid := unix.Gettid()
	fired := false
	start := time.Now()
	l.Timer(300*time.Millisecond, 0, func() { fired = true })
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for range 5 {
			select {
			case <-stop:
				return
			case <-time.After(30 * time.Millisecond):
			}
			// SIGURG: the runtime always handles it, and ignores it here.
			unix.Tgkill(unix.Getpid(), tid, unix.SIGURG)
		}
	}()
	before := l.Iterations()
	for !fired {
		if err := l.RunOnce(true); err != nil {
			t.Fatal(err)
		}
	}
	if n := l.Iterations() - before; n != 1 {
		t.Errorf("%d iterations, want the one that ran the timer", n)
	}
	if waited := time.Since(start); waited < 300*time.Millisecond {
		t.Errorf("timer ran after %v, before its 300 ms", waited)
	}
}
