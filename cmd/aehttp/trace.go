package main

import (
	"fmt"
	"time"

	"github.com/anyevent-go/anyevent/httpc"
)

// traceRequest prints, for -v, the request line and the caller's header
// fields ("> " lines; the client adds Host, User-agent and the rest on the
// wire), and hooks Options.OnPhase to print each phase the request's
// connection enters with the time since the request started ("* " lines).
// Redirect hops start again at Resolve (or at Write on a pooled
// connection); Done ends each hop.
func (s *session) traceRequest(opts *httpc.Options, n int, url string, start time.Time) {
	fmt.Fprintf(s.stderr, "> [%d] %s %s\n", n, s.o.methodName(), url)
	for _, f := range opts.Headers {
		if f.Suppress {
			fmt.Fprintf(s.stderr, "> [%d] %s: (suppressed)\n", n, f.Name)
			continue
		}
		fmt.Fprintf(s.stderr, "> [%d] %s: %s\n", n, f.Name, f.Value)
	}
	opts.OnPhase = func(p httpc.Phase, at time.Time) {
		fmt.Fprintf(s.stderr, "* [%d] %-7s +%s\n", n, p, at.Sub(start).Round(time.Microsecond))
	}
}

// traceResponse prints, for -v, the final response's status line and
// headers ("< " lines), or the error.
func (s *session) traceResponse(n int, r *httpc.Response) {
	if r.HTTPVersion != "" {
		fmt.Fprintf(s.stderr, "< [%d] %s\n", n, statusLine(r))
		fmt.Fprint(s.stderr, headerLines(fmt.Sprintf("< [%d] ", n), r.Header()))
	}
	if r.Err != nil {
		fmt.Fprintf(s.stderr, "! [%d] %d %s\n", n, r.Status, r.Reason)
	}
}

// statusLine rebuilds the status line from the response's fields; after
// an error raised past the head it shows the original status.
func statusLine(r *httpc.Response) string {
	status, reason, has := r.Status, r.Reason, r.HasReason
	if r.OrigStatus != 0 {
		status, reason, has = r.OrigStatus, r.OrigReason, true
	}
	line := fmt.Sprintf("HTTP/%s %03d", r.HTTPVersion, status)
	if has {
		line += " " + reason
	}
	return line
}
