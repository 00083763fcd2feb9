package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/anyevent-go/anyevent/cookie"
	"github.com/anyevent-go/anyevent/httpc"
	"github.com/anyevent-go/anyevent/loop"
)

// session is one run of the command: its loop, client, jar and outputs.
// Everything in it belongs to the loop goroutine.
type session struct {
	o              *options
	l              *loop.Loop
	cl             *httpc.Client
	jar            *cookie.Jar
	stdout, stderr io.Writer
	base           httpc.Options // every request starts from a copy
	pending        int           // requests whose callback has not run
}

// run is the whole program; it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseArgs(args, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case err != nil:
		fmt.Fprintln(stderr, "aehttp:", err)
		return exitUsage
	}
	if err := o.loadBody(stdin); err != nil {
		fmt.Fprintln(stderr, "aehttp:", err)
		return exitRead
	}
	jar, err := loadJar(o.jarPath)
	if err != nil {
		fmt.Fprintln(stderr, "aehttp:", err)
		return exitRead
	}
	l, err := loop.New()
	if err != nil {
		fmt.Fprintln(stderr, "aehttp:", err)
		return exitUsage
	}
	defer l.Close()
	s := &session{o: o, l: l, cl: httpc.New(l), jar: jar, stdout: stdout, stderr: stderr}
	s.cl.MaxPerHost = o.maxPerHost
	s.cl.Compat = o.compat
	s.base = o.requestOptions(jar)
	status := s.start()
	s.cl.CloseIdle()
	if err := saveJar(o.jarPath, jar, time.Now()); err != nil {
		fmt.Fprintln(stderr, "aehttp: saving the cookie jar:", err)
		status = firstFailure(status, exitWrite)
	}
	return status
}

// start runs the requests in the chosen mode until every callback ran.
func (s *session) start() int {
	if s.o.dump {
		return s.runDump()
	}
	return s.runFetch()
}

// loopUntilDone runs the loop until finished is called for the last
// pending request.
func (s *session) loopUntilDone() {
	if s.pending > 0 {
		if err := s.l.Run(); err != nil {
			fmt.Fprintln(s.stderr, "aehttp:", err)
		}
	}
}

// finished counts a request as done; after the last one the loop stops
// once the deferred work queued so far (the final PhaseDone trace) ran.
func (s *session) finished() {
	s.pending--
	if s.pending == 0 {
		s.l.Defer(s.l.Stop)
	}
}

// reportError prints a failed request's error line on stderr:
// "aehttp: URL: 595 Connection refused".
func (s *session) reportError(r *httpc.Response) {
	if r.Err != nil {
		fmt.Fprintf(s.stderr, "aehttp: %s: %d %s\n", r.URL, r.Status, r.Reason)
	}
}

// firstFailure keeps the first non-zero status.
func firstFailure(status, next int) int {
	if status != exitOK {
		return status
	}
	return next
}
