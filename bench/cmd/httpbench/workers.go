package main

import (
	"sync"
	"sync/atomic"
	"time"
)

// runWorkers is the load of the goroutine-based clients: conns goroutines,
// each doing one request after the other with do(worker), until requests
// were issued in all or d passed. do returns an error text for a bad
// response, "" for a good one.
func runWorkers(conns, requests int, d time.Duration, do func(worker int) string) tally {
	var issued atomic.Int64
	var stopped atomic.Bool
	capTimer := time.AfterFunc(d, func() { stopped.Store(true) })
	tallies := make([]tally, conns)
	var wg sync.WaitGroup
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := &tallies[w]
			for !stopped.Load() && issued.Add(1) <= int64(requests) {
				t.requests++
				if msg := do(w); msg != "" {
					t.fail("%s", msg)
				}
			}
		}()
	}
	wg.Wait()
	capTimer.Stop()
	var sum tally
	for _, t := range tallies {
		sum.add(t)
	}
	sum.capped = stopped.Load() && sum.requests < uint64(requests)
	sum.polls = -1 // the runtime's netpoller does not say
	sum.syscalls = -1
	sum.naps = -1
	sum.reads, sum.writes = -1, -1
	return sum
}
