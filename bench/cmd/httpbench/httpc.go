package main

import (
	"time"

	"github.com/anyevent-go/anyevent/httpc"
	"github.com/anyevent-go/anyevent/loop"
)

// httpcDriver is the client under test: one loop, one httpc.Client with
// MaxPerHost = conns, conns requests in flight, each completion callback
// issuing the next request (AnyEvent::HTTP style).
type httpcDriver struct {
	l       *loop.Loop
	cl      *httpc.Client
	url     string
	bodyLen int
	conns   int
	cb      httpc.DoneFunc // done, made once so that a request costs no closure

	// State of the current run, written by the callbacks.
	issued, limit int
	inFlight      int
	stopped       bool // the time cap passed
	t             tally
}

// newHTTPCDriver returns the httpc driver on a loop made with cfg (the
// variants: plain system calls, an I/O collect interval).
func newHTTPCDriver(ld load, cfg loop.Config) (*httpcDriver, error) {
	l, err := loop.NewWithConfig(cfg)
	if err != nil {
		return nil, err
	}
	cl := httpc.New(l)
	cl.MaxPerHost = ld.conns
	d := &httpcDriver{l: l, cl: cl, url: ld.url, bodyLen: ld.bodyLen, conns: ld.conns}
	d.cb = d.done
	return d, nil
}

func (d *httpcDriver) run(requests int, dur time.Duration) tally {
	d.issued, d.limit, d.stopped, d.t = 0, requests, false, tally{}
	cap := d.l.Timer(dur, 0, func() { d.stopped = true })
	st := d.l.Stats()
	for range min(d.conns, requests) {
		d.issue()
	}
	for d.inFlight > 0 {
		if err := d.l.RunOnce(true); err != nil {
			d.t.fail("loop: %v", err)
			break
		}
	}
	cap.Stop()
	end := d.l.Stats()
	d.t.polls = int64(end.Iterations - st.Iterations)
	d.t.reads, d.t.writes = int64(end.Reads-st.Reads), int64(end.Writes-st.Writes)
	d.t.naps, d.t.napped = int64(end.Naps-st.Naps), end.Napped-st.Napped
	d.t.syscalls = d.t.reads + d.t.writes - int64(end.Batched-st.Batched) + int64(end.Batches-st.Batches) + d.t.polls
	d.t.capped = d.stopped && d.issued < d.limit
	return d.t
}

func (d *httpcDriver) issue() {
	d.issued++
	d.inFlight++
	d.cl.Get(d.url, nil, d.cb)
}

// done checks a response and issues the next request.
func (d *httpcDriver) done(body []byte, r *httpc.Response) {
	d.inFlight--
	d.t.requests++
	switch {
	case r.Err != nil:
		d.t.fail("httpc: %d %s: %v", r.Status, r.Reason, r.Err)
	case r.Status != 200:
		d.t.fail("httpc: status %d %s", r.Status, r.Reason)
	case len(body) != d.bodyLen:
		d.t.fail("httpc: body of %d bytes, want %d", len(body), d.bodyLen)
	}
	if d.issued < d.limit && !d.stopped {
		d.issue()
	}
}

func (d *httpcDriver) close() {
	d.cl.CloseIdle()
	d.l.Close()
}
