// Command aehttp is a small curl-like HTTP client built on httpc, the Go
// port of AnyEvent::HTTP.
//
// Usage:
//
//	aehttp [flags] URL...
//
// # Theory of operation
//
// Everything runs on one loop goroutine: the command parses its flags,
// makes one loop.Loop and one httpc.Client, starts a request per URL
// and runs the loop until the last completion callback; nothing else runs
// concurrently and there are no goroutines. Several URLs are fetched at
// the same time on that loop, subject to the client's per-host slots
// (--max-per-host, default 4, AnyEvent's MAX_PER_HOST); their output is
// printed in command-line order as soon as every earlier URL is done.
// Without -o a body is collected by the client and written to stdout; with
// -o FILE it is streamed through Options.OnBody into the file, with a
// progress bar on stderr when stderr is a terminal (and no -v). The i-th
// -o belongs to the i-th URL. -C resumes partial files as the download
// example of the AnyEvent::HTTP documentation does (Range and
// If-Unmodified-Since; 206 appends, 200 restarts, 416 means complete
// unless its Content-Range gives another length than the file's, 412
// removes the stale partial file; the file's time is set from
// Last-Modified, with a warning only where that is not allowed). A device
// such as /dev/null is written as it is, never truncated.
//
// Redirects are followed as AnyEvent does (10 by default, --recurse N; 0
// returns the 3xx itself), unlike curl without -L. The cookie jar file is
// AnyEvent's JSON jar layout, loaded before the first request when it
// exists and written back (session cookies kept, expired ones dropped)
// after the last.
//
// -v traces every request on stderr: "* [n] Phase +elapsed" for each
// phase of Options.OnPhase (Resolve, Connect, Write, Header, Body, Done; a
// redirect hop starts again), "> [n]" lines for each request head as
// written (Options.OnRequestHead), "< [n]" lines for the final response
// head as received and "! [n]" for an error.
//
// --dump is the conformance mode of the tests (spec Appendix C): the URLs
// are requested one after the other, --pause MS (default 50) after each
// callback, and each callback prints one JSON line
//
//	{"body_b64": BASE64|null, "headers": {...}, "on_body_b64": BASE64}
//
// where headers is AnyEvent's headers map: every real header (lower-case
// names, values as strings) and the pseudo-headers Status, Reason (absent
// when the status line had none), HTTPVersion (absent before a status
// line), URL, OrigStatus and OrigReason (only after an error raised past
// the head), and Redirect, the previous hop as a nested {"body_b64",
// "headers"} object. on_body_b64 (with --collect-body) is what OnBody
// received. --abort-on-header and --abort-on-body make those callbacks
// return Abort (598).
//
// Flags:
//
//	-X METHOD             request method (default GET, or POST with a body)
//	-H 'Name: value'      add a header (repeatable); 'Name:' suppresses a
//	                      default header, 'Name;' sends an empty one
//	-d STRING             body (repeats join with "&"; @FILE reads a file
//	                      without its newlines, @- stdin); Content-Type
//	                      defaults to application/x-www-form-urlencoded
//	--data-binary @FILE   body read from FILE (@- stdin) as is, or a
//	                      literal STRING
//	--timeout SECONDS     inactivity timeout of each phase (default 300)
//	--recurse N           redirect budget (default 10)
//	--persistent, --no-persistent   reuse and pool connections or not
//	                      (default: only for idempotent methods)
//	--keepalive, --no-keepalive     "keep-alive" in Connection (default on)
//	--cookie-jar FILE.json          load and save cookies
//	--max-per-host N      connections per host (default 4)
//	--compat NAMES        AnyEvent's exact behaviour where httpc differs
//	                      for safety: interim, framing, onbody, location,
//	                      location-no-uri, credentials (comma-separated),
//	                      or all; see httpc.Compat
//	-i                    print the head of every hop as received on
//	                      stdout, also with -o (the file keeps only the body,
//	                      so that -C can resume it)
//	-v                    trace phases with timings on stderr
//	-o FILE               write the next URL's body to FILE (repeatable;
//	                      "-" is stdout; one FILE per URL, /dev/null apart)
//	-C                    resume -o downloads ("-C -" is accepted too)
//	--dump, --pause MS, --abort-on-header, --abort-on-body, --collect-body
//
// Errors are reported on stderr as "aehttp: URL: 595 Connection refused"
// (AnyEvent's status and reason).
//
// # Exit status
//
// Like curl's, for the first URL (in command-line order) that failed:
//
//	0   every request got a response (any HTTP status, as curl without -f)
//	1   599 Only http and https URL schemes supported
//	2   usage error
//	3   599 Unparsable URL or an invalid method or header
//	6   595 while resolving the host
//	7   595 while connecting
//	8   other 599: a response head the client cannot parse
//	18  597 the body ended early (end-of-file, broken pipe, reset)
//	23  writing the output, an -o file or the cookie jar failed
//	26  reading a -d/--data-binary file or the cookie jar failed
//	28  595–597 Connection timed out
//	33  -C: wrong Content-Range, or 412 (the partial file was removed)
//	42  598 aborted by a callback
//	47  599 Too many redirections
//	55  596 while sending the request
//	56  other 596 or 597 (receiving failed, garbled chunked encoding)
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
