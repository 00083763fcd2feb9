package main

import (
	"errors"

	"github.com/anyevent-go/anyevent/httpc"
)

// Exit statuses, curl's numbers for the same failures (curl(1) "EXIT
// CODES"); the package documentation lists them.
const (
	exitOK          = 0
	exitUnsupported = 1  // 599 Only http and https URL schemes supported
	exitUsage       = 2  // bad command line
	exitBadURL      = 3  // 599 Unparsable URL, invalid request fields
	exitResolve     = 6  // 595 while resolving
	exitConnect     = 7  // 595 while connecting
	exitWeird       = 8  // other 599: a response the client cannot parse
	exitPartial     = 18 // 597 end-of-file or reset inside the body
	exitWrite       = 23 // writing the body or the cookie jar failed
	exitRead        = 26 // reading a --data-binary/-d file or the jar failed
	exitTimeout     = 28 // 595–597 Connection timed out
	exitRange       = 33 // -C: the server's Content-Range or 412 broke the resume
	exitAborted     = 42 // 598
	exitRedirects   = 47 // 599 Too many redirections
	exitSend        = 55 // 596 while writing the request
	exitRecv        = 56 // other 596 and 597
)

// exitCode maps a request's outcome to the exit status: 0 whenever a
// response arrived, whatever its status (curl without --fail).
func exitCode(r *httpc.Response) int {
	var e *httpc.Error
	if r.Err == nil || !errors.As(r.Err, &e) {
		return exitOK
	}
	switch status := e.Status(); {
	case e.Timeout():
		return exitTimeout
	case status == 598:
		return exitAborted
	case status == 599:
		return localExit(e)
	case status == 595 && e.Phase == httpc.PhaseResolve:
		return exitResolve
	case status == 595:
		return exitConnect
	case status == 596 && e.Phase == httpc.PhaseWrite:
		return exitSend
	case status == 597 && (e.Reason() == "Unexpected end-of-file" || e.Reason() == "Broken pipe" ||
		e.Reason() == "Connection reset by peer"):
		return exitPartial
	}
	return exitRecv
}

// localExit splits the 599s.
func localExit(e *httpc.Error) int {
	switch {
	case errors.Is(e, httpc.ErrTooManyRedirects):
		return exitRedirects
	case e.Reason() == "Only http and https URL schemes supported":
		return exitUnsupported
	case e.Op == "url":
		return exitBadURL
	}
	return exitWeird
}
