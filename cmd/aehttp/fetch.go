package main

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/anyevent-go/anyevent/httpc"
)

// transfer is one URL of a normal (curl-like) run.
type transfer struct {
	s     *session
	n     int // position on the command line, from 1
	url   string
	start time.Time
	dl    *download // nil when the body goes to stdout
	done  bool
	body  []byte
	resp  *httpc.Response
	code  int // exit status of this transfer
}

// runFetch starts every URL at once on the loop (the client's per-host
// slots queue what exceeds --max-per-host), then prints the results on
// stdout in command-line order as they become available.
func (s *session) runFetch() int {
	ts := make([]*transfer, len(s.o.urls))
	var bar *progress
	if s.o.toFiles() && isTerminal(s.stderr) && !s.o.verbose {
		bar = newProgress(s.stderr)
		s.stderr = bar // messages clear the bar's line first
	}
	for i, u := range s.o.urls {
		t := &transfer{s: s, n: i + 1, url: u}
		if i < len(s.o.outputs) && s.o.outputs[i] != "-" { // "-": stdout, in order
			t.dl = &download{path: s.o.outputs[i], resume: s.o.resume, bar: bar}
		}
		ts[i] = t
	}
	status, next := exitOK, 0
	for _, t := range ts {
		if err := t.begin(func() {
			for ; next < len(ts) && ts[next].done; next++ {
				status = firstFailure(status, ts[next].print())
			}
		}); err != nil {
			fmt.Fprintf(s.stderr, "aehttp: %s: %v\n", t.url, err)
			t.done, t.code = true, exitWrite
		}
	}
	s.loopUntilDone()
	if bar != nil {
		bar.finish()
	}
	for ; next < len(ts); next++ { // transfers that failed to start
		status = firstFailure(status, ts[next].print())
	}
	return status
}

// begin starts the request; flush runs after its callback.
func (t *transfer) begin(flush func()) error {
	opts := t.s.base
	if t.dl != nil {
		if err := t.dl.prepare(&opts, t.s.l); err != nil {
			return err
		}
	}
	t.start = time.Now()
	if t.s.o.verbose {
		t.s.traceRequest(&opts, t.n, t.start)
	}
	t.s.pending++
	t.s.cl.Request(t.s.o.methodName(), t.url, &opts, func(body []byte, r *httpc.Response) {
		t.complete(body, r)
		flush()
		t.s.finished()
	})
	return nil
}

// complete records the outcome and reports errors at once.
func (t *transfer) complete(body []byte, r *httpc.Response) {
	t.done, t.body, t.resp = true, body, r
	if t.s.o.verbose {
		t.s.traceResponse(t.n, r)
	}
	t.s.reportError(r)
	t.code = exitCode(r)
	if t.dl != nil {
		t.code = firstFailure(t.dl.finish(body, r, t.s.stderr), t.code)
	}
}

// print writes the transfer's part of stdout: the heads with -i, then the
// body unless it went to a file. It returns the transfer's exit status.
func (t *transfer) print() int {
	if t.resp == nil {
		return t.code
	}
	w := bufio.NewWriter(t.s.stdout)
	if t.s.o.include {
		writeHeads(w, t.resp)
	}
	if t.dl == nil {
		w.Write(t.body)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(t.s.stderr, "aehttp: writing the output:", err)
		return firstFailure(t.code, exitWrite)
	}
	return t.code
}

// writeHeads writes the head of every hop of r's redirect chain, oldest
// first, as curl -i -L does: each exactly as received, through its empty
// line. A hop whose head was dropped with a connection error has none.
func writeHeads(w io.Writer, r *httpc.Response) {
	if r.Redirect != nil {
		writeHeads(w, r.Redirect.Response)
	}
	w.Write(r.RawHead())
}
