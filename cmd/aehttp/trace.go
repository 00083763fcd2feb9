package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/anyevent-go/anyevent/httpc"
)

// traceRequest hooks, for -v, Options.OnPhase to print each phase the
// request's connection enters with the time since the request started
// ("* " lines) and Options.OnRequestHead to print each request head as
// written ("> " lines, as curl -v shows them). Redirect hops start again
// at Resolve (or at Write on a pooled connection); Done ends each hop.
func (s *session) traceRequest(opts *httpc.Options, n int, start time.Time) {
	opts.OnPhase = func(p httpc.Phase, at time.Time) {
		fmt.Fprintf(s.stderr, "* [%d] %-7s +%s\n", n, p, at.Sub(start).Round(time.Microsecond))
	}
	opts.OnRequestHead = func(head []byte) {
		fmt.Fprint(s.stderr, headLines(fmt.Sprintf("> [%d] ", n), head))
	}
}

// traceResponse prints, for -v, the final response's head as received
// ("< " lines), or the error.
func (s *session) traceResponse(n int, r *httpc.Response) {
	fmt.Fprint(s.stderr, headLines(fmt.Sprintf("< [%d] ", n), r.RawHead()))
	if r.Err != nil {
		fmt.Fprintf(s.stderr, "! [%d] %d %s\n", n, r.Status, r.Reason)
	}
}

// headLines formats the lines of an HTTP head one per output line with a
// prefix, without their line ends and without the empty last line.
func headLines(prefix string, head []byte) string {
	var b strings.Builder
	for line := range strings.Lines(string(head)) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		b.WriteString(prefix + line + "\n")
	}
	return b.String()
}
