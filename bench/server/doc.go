// Package server is the fast local peer of the end-to-end benchmarks: an
// evio-based server that answers HTTP/1.1 keep-alive requests with a fixed
// 12-byte body (the nginx `return 200 "hello world\n"` of PERFORMANCE.md),
// or echoes bytes back. It is a benchmark peer only: evio cannot dial,
// panics on epoll_ctl errors and polls on a 100 ms tick, which is fine here
// and wrong for our core (STYLE.md A4).
//
// The HTTP side understands exactly what load generators send: a request
// head ended by an empty line, an optional Content-Length body (skipped),
// pipelining, and Connection: close. Anything else gets 400 and a close.
package server
