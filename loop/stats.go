package loop

import "time"

// Stats counts the system calls a loop made to move data: the figures
// behind "one read and one write per request" (PERFORMANCE.md P3), which
// /proc/self/io cannot give once Handles use recv(2) and send(2).
type Stats struct {
	// Iterations is [Loop.Iterations]: one poll (epoll_wait or kevent)
	// each.
	Iterations uint64
	// Reads counts read(2) and recv(2) calls of [IO.Read] and of the
	// Handles, EAGAIN and EINTR results included.
	Reads uint64
	// Writes counts write(2), writev(2), send(2) and sendmsg(2) calls of
	// [IO.Write] and of the Handles, failed ones included.
	Writes uint64
	// Batched counts the Reads and Writes that were made together with
	// others in one system call, and Batches those system calls (see
	// [Config.PlainSyscalls]): the loop entered the kernel Reads + Writes
	// - Batched + Batches times to move data.
	Batched, Batches uint64
	// Naps counts the sleeps of [Config.IOCollectInterval], and Napped
	// is the time they took: the latency the interval added.
	Naps   uint64
	Napped time.Duration
}

// Stats returns the loop's counters. Like every method but Post, it must
// be called on the loop's goroutine.
func (l *Loop) Stats() Stats {
	s := l.stats
	s.Iterations = l.iterations
	return s
}
