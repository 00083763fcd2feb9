package sys

// Non-blocking I/O without the scheduler's system-call hooks.
//
// Read, Write and Writevec are read(2), write(2) and writev(2) for
// descriptors in O_NONBLOCK mode, the loop's hot path: one of each per
// keep-alive request. golang.org/x/sys/unix makes every system call through
// the runtime's entersyscall and exitsyscall, which let another thread take
// over the P while the call blocks. On a non-blocking descriptor the call
// never blocks: it copies what is there, or what fits, and returns EAGAIN
// otherwise, in well under a microsecond, so there is nothing to hand off,
// and the two hooks cost a fifth to a third of the loop's user time (a
// profile of httpbench, PERFORMANCE.md P2). Where the system allows it
// (rawio_raw.go: Linux, FreeBSD, NetBSD, DragonFly) these functions
// therefore make the call with RawSyscall, as the runtime does for its own
// non-blocking calls.
//
// The caller must make sure the descriptor is non-blocking. A raw call that
// blocks stops more than the loop: a goroutine in a raw call cannot be
// preempted, so a garbage collection waits for it, and with it every other
// goroutine of the program.
//
// The race detector does not see the bytes a raw call reads into or writes
// from p (unix.Read tells it, these functions do not). The buffers are
// owned by the loop goroutine, which makes the calls, so no other goroutine
// may touch them anyway; a race there would be a bug the detector misses,
// not a false report.
