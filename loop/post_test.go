package loop

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPostFromManyGoroutines(t *testing.T) {
	l := newLoop(t)
	const goroutines, each = 16, 2000
	var got [goroutines]int
	order := true
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				l.Post(func() {
					if got[g] != i {
						order = false
					}
					got[g]++
				})
			}
		}()
	}
	total := func() int {
		s := 0
		for _, n := range got {
			s += n
		}
		return s
	}
	runUntil(t, l, 10*time.Second, func() bool { return total() == goroutines*each })
	wg.Wait()
	if !order {
		t.Fatal("posts of one goroutine ran out of order")
	}
}

func TestPostWakesBlockedLoop(t *testing.T) {
	l := newLoop(t)
	ran := make(chan struct{})
	go func() {
		time.Sleep(20 * time.Millisecond)
		l.Post(func() { close(ran) })
	}()
	done := false
	l.Post(func() {}) // first wake, consumed by the first iteration
	runUntil(t, l, 5*time.Second, func() bool {
		select {
		case <-ran:
			done = true
		default:
		}
		return done
	})
}

func TestPostBurstCostsOneWake(t *testing.T) {
	l := newLoop(t)
	var wakes atomic.Int32
	counting := &countingPoller{poller: l.poller, wakes: &wakes}
	l.poller = counting
	for range 1000 {
		l.Post(func() {})
	}
	if n := wakes.Load(); n != 1 {
		t.Fatalf("1000 posts before the loop ran cost %d wakes, want 1", n)
	}
	l.RunOnce(false)
	l.Post(func() {})
	if n := wakes.Load(); n != 2 {
		t.Fatalf("a post after the drain cost %d wakes in all, want 2", n)
	}
}

type countingPoller struct {
	poller
	wakes *atomic.Int32
}

func (p *countingPoller) wakeUp() error {
	p.wakes.Add(1)
	return p.poller.wakeUp()
}

// BenchmarkPost measures Post throughput from another goroutine to a
// running loop, end to end (PERFORMANCE.md P9: ≥ 1M callbacks/s).
func BenchmarkPost(b *testing.B) {
	l := newLoop(b)
	var done atomic.Int64
	n := int64(b.N)
	stop := make(chan struct{})
	go func() {
		for done.Load() < n {
			l.RunOnce(true)
		}
		close(stop)
	}()
	b.ReportAllocs()
	fn := func() { done.Add(1) }
	for b.Loop() {
		l.Post(fn)
	}
	<-stop
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
}

// BenchmarkPostWakeLatency measures the time from Post on another
// goroutine to the function running on a sleeping loop.
func BenchmarkPostWakeLatency(b *testing.B) {
	l := newLoop(b)
	got := make(chan struct{})
	quit := make(chan struct{})
	go func() {
		for {
			select {
			case <-quit:
				return
			default:
				l.RunOnce(true)
			}
		}
	}()
	fn := func() { got <- struct{}{} }
	for b.Loop() {
		l.Post(fn)
		<-got
	}
	close(quit)
	l.Post(func() {})
}

// TestIdleLoopDoesNotWakeUp checks P9's "0 wakeups/s when idle": with a
// far timer armed and a quiet fd watched, a blocking loop runs no iteration
// until something happens (here: a Post after 300 ms).
func TestIdleLoopDoesNotWakeUp(t *testing.T) {
	l := newLoop(t)
	a, _ := socketPair(t)
	mustIO(t, l, a, Read, func(Events) {})
	l.Timer(time.Hour, 0, func() {})
	l.RunOnce(false) // take the initial writability report
	before := l.Iterations()
	done := false
	go func() {
		time.Sleep(300 * time.Millisecond)
		l.Post(func() { done = true })
	}()
	for !done {
		l.RunOnce(true)
	}
	if n := l.Iterations() - before; n != 1 {
		t.Fatalf("%d iterations in 300 ms of idleness, want exactly the one the Post woke", n)
	}
}
