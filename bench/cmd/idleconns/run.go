package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/anyevent-go/anyevent/bench/internal/measure"
)

// config is what one run of idleconns measures.
type config struct {
	exe     string        // program to re-exec as the dialer
	n       int           // connections
	addrs   int           // listening addresses 127.0.0.1 … 127.0.0.<addrs>
	window  int           // connections the dialer may open ahead of accept
	idle    time.Duration // how long the loop sits idle with every connection
	timeout time.Duration // bound of the whole accept phase
	fit     bool          // hold fewer connections if RLIMIT_NOFILE cannot be raised enough
	log     io.Writer     // progress, may be nil
}

// state is what the measured process looks like at one moment.
type state struct {
	Heap measure.GoHeap `json:"heap"`
	RSS  int64          `json:"rss"`
}

// result is the measurement.
type result struct {
	Asked          int           `json:"asked"` // -n
	Limit          uint64        `json:"rlimit_nofile"`
	Conns          int           `json:"conns"`
	Addrs          int           `json:"addrs"`
	Before         state         `json:"before"`
	After          state         `json:"after"`
	AcceptTime     time.Duration `json:"accept_ns"`
	AcceptIters    uint64        `json:"accept_iterations"`
	Idle           time.Duration `json:"idle_ns"`
	IdleIterations uint64        `json:"idle_iterations"`
	IdleUsage      measure.Usage `json:"idle_usage"` // CPU and context switches while idle
}

func perConn(after, before int64, n int) float64 {
	return float64(after-before) / float64(max(n, 1))
}

// HeapInusePerConn is the growth of the Go heap's in-use spans per
// connection, after a full collection.
func (r *result) HeapInusePerConn() float64 {
	return perConn(int64(r.After.Heap.HeapInuse), int64(r.Before.Heap.HeapInuse), r.Conns)
}

// HeapAllocPerConn is the growth of the live Go heap objects per
// connection, after a full collection.
func (r *result) HeapAllocPerConn() float64 {
	return perConn(int64(r.After.Heap.HeapAlloc), int64(r.Before.Heap.HeapAlloc), r.Conns)
}

// RSSPerConn is the growth of the resident set per connection.
func (r *result) RSSPerConn() float64 { return perConn(r.After.RSS, r.Before.RSS, r.Conns) }

func snapshot() (state, error) {
	heap := measure.CollectedHeap()
	rss, err := measure.RSS()
	return state{Heap: heap, RSS: rss}, err
}

// run accepts cfg.n connections into handles of one loop, lets the loop
// sit idle, and measures the memory they cost.
func run(cfg config) (res result, err error) {
	res = result{Asked: cfg.n, Addrs: cfg.addrs}
	if cfg.n, res.Limit, err = fitNoFile(cfg); err != nil {
		return res, err
	}
	h, err := newHolder(cfg)
	if err != nil {
		return res, err
	}
	defer func() {
		if cerr := h.close(); err == nil {
			err = cerr
		}
	}()
	if err := h.startChild(); err != nil {
		return res, err
	}
	if res.Before, err = snapshot(); err != nil {
		return res, err
	}
	if err := h.acceptAll(&res); err != nil {
		return res, err
	}
	if err := h.sitIdle(&res); err != nil {
		return res, err
	}
	res.Conns = len(h.handles)
	res.After, err = snapshot()
	return res, err
}

// fdMargin is how many descriptors each process keeps for other uses
// than connections: listeners, poller, pipes, the runtime.
const fdMargin = 1024

// fitNoFile raises RLIMIT_NOFILE for cfg.n connections (each process holds
// one descriptor per connection). Without CAP_SYS_RESOURCE, which even
// root lacks in some containers, the hard limit cannot be raised; with
// cfg.fit the measurement then holds as many connections as the limit
// allows, and says so.
func fitNoFile(cfg config) (int, uint64, error) {
	limit, err := measure.RaiseNoFile(uint64(cfg.n + fdMargin))
	if err == nil {
		return cfg.n, limit, nil
	}
	if !cfg.fit || limit < 2*fdMargin {
		return 0, limit, err
	}
	n := int(limit) - fdMargin
	fmt.Fprintf(os.Stderr, "idleconns: %v; holding %d connections instead of %d\n", err, n, cfg.n)
	return n, limit, nil
}

// acceptAll runs the loop until every connection is accepted and the
// dialer confirmed it opened them all, or the time bound passes.
func (h *holder) acceptAll(res *result) error {
	bound := h.l.Timer(h.cfg.timeout, 0, func() {
		h.fail(fmt.Errorf("only %d of %d connections accepted (%d opened) in %v",
			len(h.handles), h.cfg.n, h.opened, h.cfg.timeout))
	})
	defer bound.Stop()
	start, it0 := time.Now(), h.l.Iterations()
	h.grant()
	for h.err == nil && (len(h.handles) < h.cfg.n || h.opened < h.cfg.n) {
		if err := h.l.RunOnce(true); err != nil {
			return err
		}
	}
	res.AcceptTime, res.AcceptIters = time.Since(start), h.l.Iterations()-it0
	if h.cfg.log != nil {
		fmt.Fprintf(h.cfg.log, "idleconns: %d connections accepted in %v\n", len(h.handles), res.AcceptTime)
	}
	return h.err
}

// settle is how long the loop runs before the idle window: it takes what
// the accept phase left to report (a listener's last EAGAIN, the first
// readiness reports of the newest connections, up to one per connection
// and a poll's worth at a time), which is not a wake-up of an idle loop.
const settle = 200 * time.Millisecond

// sitIdle runs the loop for cfg.idle and counts its iterations: the one
// that ends the wait, and any wake-up the idle connections cause.
func (h *holder) sitIdle(res *result) error {
	settled := false
	h.l.Timer(settle, 0, func() { settled = true })
	for !settled && h.err == nil {
		if err := h.l.RunOnce(true); err != nil {
			return err
		}
	}
	done := false
	h.l.Timer(h.cfg.idle, 0, func() { done = true })
	it0 := h.l.Iterations()
	u0, _ := measure.SelfUsage()
	for !done && h.err == nil {
		if err := h.l.RunOnce(true); err != nil {
			return err
		}
	}
	u1, _ := measure.SelfUsage()
	res.Idle, res.IdleIterations, res.IdleUsage = h.cfg.idle, h.l.Iterations()-it0, u1.Sub(u0)
	if res.Conns = len(h.handles); res.Conns != h.cfg.n && h.err == nil {
		return errors.New("lost connections while idle")
	}
	return h.err
}

// printResult writes the figures, one "name  value" line each.
func printResult(w io.Writer, r *result) {
	mb := func(a, b int64) float64 { return float64(a-b) / (1 << 20) }
	fmt.Fprintf(w, "%-20s %d on %d addresses, one loop, a loop.Handle each (OnRead, 1 h timeout)\n", "connections", r.Conns, r.Addrs)
	if r.Conns < r.Asked {
		fmt.Fprintf(w, "%-20s %d asked; RLIMIT_NOFILE hard limit %d allows no more in one process\n", "NOTE", r.Asked, r.Limit)
	}
	fmt.Fprintf(w, "%-20s %.2f s (%.0f conns/s, %d loop iterations)\n", "accept time",
		r.AcceptTime.Seconds(), float64(r.Conns)/r.AcceptTime.Seconds(), r.AcceptIters)
	fmt.Fprintf(w, "%-20s %.0f B (HeapInuse %+.1f MiB)\n", "heap inuse/conn", r.HeapInusePerConn(),
		mb(int64(r.After.Heap.HeapInuse), int64(r.Before.Heap.HeapInuse)))
	fmt.Fprintf(w, "%-20s %.0f B (HeapAlloc %+.1f MiB)\n", "heap alloc/conn", r.HeapAllocPerConn(),
		mb(int64(r.After.Heap.HeapAlloc), int64(r.Before.Heap.HeapAlloc)))
	fmt.Fprintf(w, "%-20s %.0f B (VmRSS %+.1f MiB, total %.1f MiB)\n", "rss/conn", r.RSSPerConn(),
		mb(r.After.RSS, r.Before.RSS), float64(r.After.RSS)/(1<<20))
	fmt.Fprintf(w, "%-20s %d before, %d after (%+d)\n", "goroutines",
		r.Before.Heap.Goroutines, r.After.Heap.Goroutines, r.After.Heap.Goroutines-r.Before.Heap.Goroutines)
	fmt.Fprintf(w, "%-20s %d in %v (1 is the timer that ends the wait)\n", "idle iterations", r.IdleIterations, r.Idle)
	fmt.Fprintf(w, "%-20s %.0f µs CPU, %d voluntary context switches in %v (whole process)\n", "idle cost",
		float64(r.IdleUsage.Total().Nanoseconds())/1e3, r.IdleUsage.VolCtx, r.Idle)
}
