package socket

import (
	"runtime"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/loop"
)

// TestDefaultResolverReleased: a loop's default resolver lives with the
// loop, so a closed loop that had one is garbage, resolver included,
// without SetDefaultResolver(l, nil). (The resolvers used to sit in a
// global map keyed by *Loop, which kept every loop alive.)
func TestDefaultResolverReleased(t *testing.T) {
	const loops = 5
	collected := make(chan struct{}, 2*loops)
	for range loops {
		l, err := loop.New()
		if err != nil {
			t.Fatal(err)
		}
		r, err := DefaultResolver(l)
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := DefaultResolver(l); again != r {
			t.Fatal("DefaultResolver made a second resolver for the same loop")
		}
		runtime.AddCleanup(l, func(ch chan struct{}) { ch <- struct{}{} }, collected)
		runtime.AddCleanup(r, func(ch chan struct{}) { ch <- struct{}{} }, collected)
		l.Close()
	}
	deadline := time.Now().Add(testLimit)
	for n := 0; n < 2*loops; {
		runtime.GC()
		select {
		case <-collected:
			n++
		case <-time.After(10 * time.Millisecond):
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d loops and resolvers collected", n, 2*loops)
			}
		}
	}
}

// TestDefaultResolverPerLoop: each loop has its own default, made once.
func TestDefaultResolverPerLoop(t *testing.T) {
	l1, l2 := newLoop(t), newLoop(t)
	r1, err1 := DefaultResolver(l1)
	r2, err2 := DefaultResolver(l2)
	if err1 != nil || err2 != nil || r1 == r2 {
		t.Fatalf("%p %p %v %v", r1, r2, err1, err2)
	}
	l2.Close()
	if got, _ := DefaultResolver(l1); got != r1 {
		t.Errorf("closing another loop changed l1's resolver")
	}
}
