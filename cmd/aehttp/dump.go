package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/anyevent-go/anyevent/httpc"
)

// pseudoHeaders are the pseudo-keys of AnyEvent's headers map (spec
// §8.5) that Response.Get answers; Redirect is added separately.
var pseudoHeaders = []string{"Status", "Reason", "HTTPVersion", "URL", "OrigStatus", "OrigReason"}

// dumpEntry is one (body, headers) pair of --dump: body_b64 is null for
// an undefined body.
type dumpEntry struct {
	Body    *string        `json:"body_b64"`
	Headers map[string]any `json:"headers"`
	OnBody  *string        `json:"on_body_b64,omitempty"`
}

// runDump is the conformance mode: the URLs are requested one after the
// other on one loop, each after a pause of --pause following the previous
// callback (Appendix C's convention), and each callback prints one JSON
// line: the body and AnyEvent's headers map.
func (s *session) runDump() int {
	status, i := exitOK, 0
	var next func()
	next = func() {
		n, u := i+1, s.o.urls[i]
		i++
		s.dumpOne(n, u, func(code int) {
			status = firstFailure(status, code)
			if i < len(s.o.urls) {
				s.l.Timer(s.o.pause, 0, next)
			}
		})
	}
	s.pending = len(s.o.urls)
	next()
	s.loopUntilDone()
	return status
}

// dumpOne makes one request with the --abort-on-header, --abort-on-body
// and --collect-body callbacks, prints its line and calls done with its
// exit status.
func (s *session) dumpOne(n int, url string, done func(int)) {
	opts := s.base
	if s.o.abortOnHeader {
		opts.OnHeader = func(*httpc.Response) httpc.Action { return httpc.Abort }
	}
	var collected []byte
	if s.o.abortOnBody || s.o.collectBody {
		opts.OnBody = func(chunk []byte, _ *httpc.Response) httpc.Action {
			collected = append(collected, chunk...)
			if s.o.abortOnBody {
				return httpc.Abort
			}
			return httpc.Continue
		}
	}
	if s.o.verbose {
		s.traceRequest(&opts, n, time.Now())
	}
	s.cl.Request(s.o.methodName(), url, &opts, func(body []byte, r *httpc.Response) {
		if s.o.verbose {
			s.traceResponse(n, r)
		}
		e := newDumpEntry(body, r)
		if s.o.collectBody {
			e.OnBody = b64(append([]byte{}, collected...))
		}
		code := exitCode(r)
		if err := writeJSONLine(s, e); err != nil {
			fmt.Fprintln(s.stderr, "aehttp: writing the output:", err)
			code = firstFailure(code, exitWrite)
		}
		s.reportError(r)
		done(code)
		s.finished()
	})
}

func writeJSONLine(s *session, e *dumpEntry) error {
	enc := json.NewEncoder(s.stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(e)
}

// newDumpEntry builds the JSON form of (body, headers map): every real
// header, the pseudo-headers that are present, and the Redirect chain.
func newDumpEntry(body []byte, r *httpc.Response) *dumpEntry {
	h := make(map[string]any)
	for k, v := range r.Header() {
		h[k] = v
	}
	for _, k := range pseudoHeaders {
		if v, ok := r.Get(k); ok {
			h[k] = v
		}
	}
	if r.Redirect != nil {
		h["Redirect"] = newDumpEntry(r.Redirect.Body, r.Redirect.Response)
	}
	return &dumpEntry{Body: b64(body), Headers: h}
}

// b64 is the base64 of b, nil for a nil b.
func b64(b []byte) *string {
	if b == nil {
		return nil
	}
	s := base64.StdEncoding.EncodeToString(b)
	return &s
}
