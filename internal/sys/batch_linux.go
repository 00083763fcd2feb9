package sys

import (
	"runtime"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Batch makes several recv and send calls on non-blocking stream sockets
// with one system call: it queues them in an io_uring submission ring and
// submits them with one io_uring_enter. Every call carries MSG_DONTWAIT,
// so the kernel makes it at once, as recv(2) or send(2) would, and
// reports EAGAIN instead of waiting; a Batch is a cheaper way to make the
// same calls, not an asynchronous one.
//
// Buffers given to Recv and Send must stay untouched until Submit
// returns; the Batch holds them until then. A Batch is used by one
// goroutine at a time.
type Batch struct {
	fd      int
	ring    []byte // the submission and completion rings (one mapping)
	sqeMem  []byte // the submission queue entries
	sqTail  *uint32
	sqMask  uint32
	cqHead  *uint32
	cqTail  *uint32
	cqMask  uint32
	sqes    []uringSQE
	cqes    []uringCQE
	queued  uint32
	entries uint32
	// bufs holds the queued calls' buffers: the rings know them only as
	// numbers, which neither keep them alive nor off the stack.
	bufs [][]byte
}

// uringSQE is struct io_uring_sqe of <linux/io_uring.h>, the fields a
// recv or send uses.
type uringSQE struct {
	opcode   uint8
	flags    uint8
	ioprio   uint16
	fd       int32
	off      uint64
	addr     uint64
	len      uint32
	msgFlags uint32
	userData uint64
	_        [3]uint64 // buf_index, personality, splice_fd_in, addr3, pad
}

// uringCQE is struct io_uring_cqe.
type uringCQE struct {
	userData uint64
	res      int32
	flags    uint32
}

// uringParams is struct io_uring_params with its two offset tables.
type uringParams struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFd uint32
	_                                                                      [3]uint32
	sqOff                                                                  sqRingOffsets
	cqOff                                                                  cqRingOffsets
}

// sqRingOffsets is struct io_sqring_offsets.
type sqRingOffsets struct {
	head, tail, ringMask, ringEntries, flags, dropped, array, _ uint32
	_                                                           uint64
}

// cqRingOffsets is struct io_cqring_offsets.
type cqRingOffsets struct {
	head, tail, ringMask, ringEntries, overflow, cqes, flags, _ uint32
	_                                                           uint64
}

// The layouts must match the kernel's to the byte.
var (
	_ [64 - unsafe.Sizeof(uringSQE{})]byte
	_ [unsafe.Sizeof(uringSQE{}) - 64]byte
	_ [16 - unsafe.Sizeof(uringCQE{})]byte
	_ [unsafe.Sizeof(uringCQE{}) - 16]byte
	_ [120 - unsafe.Sizeof(uringParams{})]byte
	_ [unsafe.Sizeof(uringParams{}) - 120]byte
)

const (
	uringOpSend = 26 // IORING_OP_SEND
	uringOpRecv = 27 // IORING_OP_RECV

	uringSetupSubmitAll   = 1 << 7  // IORING_SETUP_SUBMIT_ALL: a failed entry does not stop the rest
	uringSetupCoopTaskrun = 1 << 8  // IORING_SETUP_COOP_TASKRUN: no interrupts for completions
	uringSetupNoSQArray   = 1 << 16 // IORING_SETUP_NO_SQARRAY: entry i is submission i
	uringFeatSingleMmap   = 1 << 0  // IORING_FEAT_SINGLE_MMAP
	uringEnterGetEvents   = 1 << 0  // IORING_ENTER_GETEVENTS
	uringOffSQEs          = 0x10000000
)

// NewBatch returns a Batch for up to entries calls per Submit (a power of
// two), or the error of a kernel without io_uring or the features it
// needs (Linux 6.6), or of one that forbids it (io_uring_disabled, a
// seccomp filter).
func NewBatch(entries uint32) (*Batch, error) {
	p := uringParams{flags: uringSetupSubmitAll | uringSetupCoopTaskrun | uringSetupNoSQArray}
	fd, _, e := unix.Syscall(unix.SYS_IO_URING_SETUP, uintptr(entries), uintptr(unsafe.Pointer(&p)), 0)
	if e != 0 {
		return nil, e
	}
	b := &Batch{fd: int(fd), entries: p.sqEntries}
	if err := b.mapRings(&p); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func (b *Batch) mapRings(p *uringParams) error {
	if p.features&uringFeatSingleMmap == 0 {
		return unix.ENOSYS
	}
	// With NO_SQARRAY the submission ring is only its header, which lies
	// before the completion entries in the one mapping.
	size := int(p.cqOff.cqes) + int(p.cqEntries)*int(unsafe.Sizeof(uringCQE{}))
	ring, err := unix.Mmap(b.fd, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return err
	}
	b.ring = ring
	sqeMem, err := unix.Mmap(b.fd, uringOffSQEs, int(p.sqEntries)*int(unsafe.Sizeof(uringSQE{})),
		unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return err
	}
	b.sqeMem = sqeMem
	at := func(off uint32) *uint32 { return (*uint32)(unsafe.Pointer(&ring[off])) }
	b.sqTail, b.sqMask = at(p.sqOff.tail), *at(p.sqOff.ringMask)
	b.cqHead, b.cqTail, b.cqMask = at(p.cqOff.head), at(p.cqOff.tail), *at(p.cqOff.ringMask)
	b.sqes = unsafe.Slice((*uringSQE)(unsafe.Pointer(&sqeMem[0])), p.sqEntries)
	b.cqes = unsafe.Slice((*uringCQE)(unsafe.Pointer(&ring[p.cqOff.cqes])), p.cqEntries)
	return nil
}

// Cap is the number of calls one Submit can carry.
func (b *Batch) Cap() int { return int(b.entries) }

// Recv queues recv(fd, p, MSG_DONTWAIT); its result is the number of
// calls queued before it. p must not be empty.
func (b *Batch) Recv(fd int, p []byte) { b.queue(uringOpRecv, fd, p, unix.MSG_DONTWAIT) }

// Send queues send(fd, p, MSG_DONTWAIT|MSG_NOSIGNAL), as [Send] makes it;
// its result is the number of calls queued before it. p must not be
// empty.
func (b *Batch) Send(fd int, p []byte) {
	b.queue(uringOpSend, fd, p, unix.MSG_DONTWAIT|unix.MSG_NOSIGNAL)
}

func (b *Batch) queue(op uint8, fd int, p []byte, flags uint32) {
	if b.queued == b.entries {
		panic("sys: Batch is full")
	}
	i := b.queued
	if b.sqes != nil {
		b.sqes[(*b.sqTail+i)&b.sqMask] = uringSQE{
			opcode: op, fd: int32(fd), addr: uint64(uintptr(unsafe.Pointer(&p[0]))),
			len: uint32(min(len(p), maxCallLen)), msgFlags: flags, userData: uint64(i),
		}
	}
	b.bufs = append(b.bufs, p)
	b.queued++
}

// maxCallLen caps one call's length, as the kernel caps a recv or send.
const maxCallLen = 1 << 30

// Submit makes the queued calls and stores the result of call i in res[i]:
// bytes moved, or a negated errno (-EAGAIN: the socket had no data or no
// room). made is how many calls, from the first, were made and have their
// result; the others were not made or their result is lost. When made
// falls short or err is not nil, the Batch is broken and must be closed,
// not used again.
func (b *Batch) Submit(res []int32) (made int, err error) {
	n := b.queued
	if n == 0 {
		return 0, nil
	}
	b.queued = 0
	defer func() { clear(b.bufs); b.bufs = b.bufs[:0] }()
	if b.fd < 0 {
		return 0, unix.EBADF // closed: no call is made
	}
	// A completion the kernel defers runs on the submitting thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	atomic.StoreUint32(b.sqTail, *b.sqTail+n)
	// MSG_DONTWAIT calls complete while they are submitted, so the enter
	// is made raw, without the scheduler's hooks, like a non-blocking
	// recv; waiting is only the fallback for a kernel that defers some
	// completion after all. The kernel takes entries in order and stops
	// early only when it cannot allocate a request.
	for i := range n {
		res[i] = notMade
	}
	submitted, err := b.enter(n, 0)
	if err != nil {
		return 0, err
	}
	for got := b.reap(res); got < submitted; got += b.reap(res) {
		_, err := b.enter(0, submitted-got)
		switch err {
		case nil, unix.EAGAIN, unix.EBUSY:
			// EAGAIN, EBUSY: the kernel is short of memory or its
			// completions overflowed; waiting again reaps them.
		default:
			// The ring itself failed: the results reaped so far are
			// kept, as far as they run unbroken from the first.
			return madePrefix(res[:submitted]), err
		}
	}
	return int(submitted), nil
}

// notMade marks a result the kernel has not reported; no errno is this
// large.
const notMade = -1 << 31

// madePrefix counts the results, from the first, that the kernel reported.
func madePrefix(res []int32) int {
	for i, r := range res {
		if r == notMade {
			return i
		}
	}
	return len(res)
}

// enter is io_uring_enter(submit, wait, GETEVENTS), retried on EINTR; it
// returns how many entries the kernel took. Waiting uses the scheduler's
// system-call hooks, as a blocking call must.
func (b *Batch) enter(submit, wait uint32) (uint32, error) {
	for {
		var r uintptr
		var e unix.Errno
		if wait == 0 {
			r, _, e = unix.RawSyscall6(unix.SYS_IO_URING_ENTER, uintptr(b.fd), uintptr(submit), 0, uringEnterGetEvents, 0, 0)
		} else {
			r, _, e = unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(b.fd), uintptr(submit), uintptr(wait), uringEnterGetEvents, 0, 0)
		}
		switch {
		case e == unix.EINTR:
			continue
		case e != 0:
			return 0, e
		}
		return uint32(r), nil
	}
}

// reap moves the completions in the ring into res and returns how many.
func (b *Batch) reap(res []int32) uint32 {
	head, tail := *b.cqHead, atomic.LoadUint32(b.cqTail)
	got := tail - head
	for ; head != tail; head++ {
		c := &b.cqes[head&b.cqMask]
		res[c.userData] = c.res
	}
	atomic.StoreUint32(b.cqHead, head)
	return got
}

// Close releases the rings and the descriptor. A closed Batch makes no
// call: its Submit fails with EBADF.
func (b *Batch) Close() error {
	if b.sqeMem != nil {
		unix.Munmap(b.sqeMem)
		b.sqeMem, b.sqes = nil, nil
	}
	if b.ring != nil {
		unix.Munmap(b.ring)
		b.ring, b.cqes = nil, nil
	}
	if b.fd < 0 {
		return nil
	}
	fd := b.fd
	b.fd = -1
	return unix.Close(fd)
}
