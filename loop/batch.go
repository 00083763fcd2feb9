package loop

import (
	"bytes"
	"syscall"

	"github.com/anyevent-go/anyevent/internal/sys"
)

// batcher makes the reads and writes of one dispatch with one system call
// (internal/sys.Batch, io_uring on Linux). Two places use it:
//
//   - before the watchers found ready by a poll run, the reads of the
//     Handles among them (plain sockets, reading, small read size) are made
//     together into the arena, and each result waits on its watcher;
//   - before the corked Handles are flushed, the send of each queue's
//     first chunk is made together, and each result waits on its watcher.
//
// The Handle code then runs as it always does, and its next read or write
// call takes the waiting result instead of entering the kernel (IO.sysRead,
// IO.sysWrite, IO.sysWritev), so the batch changes how many system calls
// are made, not the data or its order: a read-ahead is data read just
// before the callbacks of the dispatch ran, a send-ahead is the prefix of
// the queue the flush was about to write (a queue of several chunks writes
// the rest with a call of its own).
//
// No read-ahead outlives its dispatch (settle): one that its Handle did not
// take (the Handle no longer read when its turn came) puts its data into
// the Handle's input, as the read would have, since the arena is reused
// and the next poll may bring news the result does not know. A send-ahead
// is always taken by the flush that follows it, which runs no callback.
// Stopping the watcher drops both.
type batcher struct {
	b      *sys.Batch
	res    []int32
	ios    []*IO  // the watchers of the calls being batched, in order
	arena  []byte // the buffers of one dispatch's read-aheads
	unread []*IO  // watchers given a read-ahead in this dispatch
}

const (
	// batchEntries is the most calls one system call carries; more ready
	// sockets than that are read one by one.
	batchEntries = 256
	// maxAheadRead is the largest read made ahead: a Handle that reads
	// more at once moves enough data per call that the call's cost does
	// not matter, and the copy out of the arena would.
	maxAheadRead = 16 << 10
	// arenaSize holds the read-aheads of one dispatch.
	arenaSize = 256 << 10
)

// newBatcher returns nil where the kernel offers no batching.
func newBatcher() *batcher {
	b, err := sys.NewBatch(batchEntries)
	if err != nil {
		return nil
	}
	return &batcher{b: b, res: make([]int32, b.Cap())}
}

// readResult is a read made ahead for a watcher: its result waits for the
// watcher's next read.
type readResult struct {
	data    []byte // the bytes not yet taken
	res     int32  // bytes read, or the negated errno
	pending bool
}

// take returns the read's result, copying its data into p.
func (a *readResult) take(p []byte) (int, error) {
	if a.res < 0 {
		err := syscall.Errno(-a.res)
		*a = readResult{}
		return 0, err
	}
	n := copy(p, a.data)
	a.data = a.data[n:]
	if len(a.data) == 0 {
		*a = readResult{}
	}
	return n, nil
}

// sendResult is a send made ahead for a watcher: its result waits for the
// watcher's next write.
type sendResult struct {
	res     int32 // bytes sent, or the negated errno
	pending bool
}

// take returns the send's result.
func (a *sendResult) take() (int, error) {
	res := a.res
	*a = sendResult{}
	if res < 0 {
		return 0, syscall.Errno(-res)
	}
	return int(res), nil
}

// readAhead makes the reads of the watchers queued for dispatch whose
// Handle will read, when there are at least two. settle must follow the
// dispatch.
func (l *Loop) readAhead() {
	bt := l.bat
	if bt.arena == nil {
		bt.arena = make([]byte, arenaSize)
	}
	used := 0
	for _, w := range l.again {
		if len(bt.ios) == len(bt.res) {
			break
		}
		if !w.active || w.h == nil || w.rahead.pending || w.reg.ready&w.interest&Read == 0 {
			continue
		}
		k, ok := w.h.readAheadSize()
		if !ok || used+k > len(bt.arena) {
			continue
		}
		used += k
		bt.ios = append(bt.ios, w)
	}
	if len(bt.ios) < 2 {
		bt.clear()
		return
	}
	used = 0
	for _, w := range bt.ios {
		buf := bt.arena[used : used+w.h.readSize : used+w.h.readSize]
		used += len(buf)
		w.rahead.data = buf
		bt.b.Recv(w.reg.fd, buf)
	}
	made := l.submitBatch()
	for i, w := range bt.ios[:made] {
		res := bt.res[i]
		w.rahead = readResult{data: w.rahead.data[:max(res, 0)], res: res, pending: true}
	}
	for _, w := range bt.ios[made:] {
		w.rahead = readResult{}
	}
	bt.unread = append(bt.unread, bt.ios[:made]...)
	bt.clear()
}

// settle ends a dispatch that read ahead: a result its Handle did not take
// must not outlive it, since the arena is reused and the next poll may
// find news the result does not know. Data goes into the Handle's input,
// as a read would have put it, and the readers are asked to run; EAGAIN
// and end-of-file are dropped, the next read will see them again; an error
// stays for the Handle's next read, and so does data meant for a TLS
// filter started since the batch (copied out of the arena).
func (bt *batcher) settle() {
	for i, w := range bt.unread {
		bt.unread[i] = nil
		a := &w.rahead
		switch {
		case !a.pending:
		case w.h.destroyed || a.res == 0 || a.res == -int32(syscall.EAGAIN):
			*a = readResult{}
		case w.h.fs != nil:
			// Ciphertext for a filter started after the batch: the
			// filtered read takes it, out of the arena.
			a.data = bytes.Clone(a.data)
		case a.res > 0:
			w.h.keepInput(a.data)
			*a = readResult{}
		}
	}
	bt.unread = bt.unread[:0]
}

// keepInput appends p, read for the handle before its turn, to its input
// and has its readers run.
func (h *Handle) keepInput(p []byte) {
	h.stamp(readActivity)
	h.makeRoom(len(p))
	h.rbuf = append(h.rbuf, p...)
	h.requestDrain()
}

// sendAhead makes the first send of each Handle in hs that will write,
// when there are at least two.
func (l *Loop) sendAhead(hs []*Handle) {
	bt := l.bat
	for _, h := range hs {
		if len(bt.ios) == len(bt.res) {
			break
		}
		if h.w.wahead.pending || !h.writesAhead() {
			continue
		}
		bt.ios = append(bt.ios, h.w)
	}
	if len(bt.ios) < 2 {
		bt.clear()
		return
	}
	for _, w := range bt.ios {
		bt.b.Send(w.reg.fd, w.h.wq.front())
	}
	made := l.submitBatch()
	for i, w := range bt.ios[:made] {
		w.wahead = sendResult{res: bt.res[i], pending: true}
	}
	bt.clear()
}

// submitBatch makes the queued calls and returns how many, from the first,
// were made and have their result; the others are left to be made one by
// one. A batch that fails or falls short is closed, and the loop makes its
// calls one by one from then on.
func (l *Loop) submitBatch() int {
	l.stats.Batches++
	made, err := l.bat.b.Submit(l.bat.res)
	if err != nil || made < len(l.bat.ios) {
		l.bat.b.Close()
		l.bat = nil
	}
	return made
}

func (bt *batcher) clear() {
	clear(bt.ios)
	bt.ios = bt.ios[:0]
}

// close releases the batch.
func (bt *batcher) close() { bt.b.Close() }

// readAheadSize reports whether a dispatch of the handle's watcher for
// Read would make a plain read, and of how many bytes (onIO, readPlain).
func (h *Handle) readAheadSize() (int, bool) {
	if h.destroyed || h.fs != nil || !h.w.socket || !h.wantsRead() || h.readSize > maxAheadRead {
		return 0, false
	}
	return h.readSize, true
}

// writesAhead reports whether the corked flush will send from the
// handle's queue (flushCorked, flush).
func (h *Handle) writesAhead() bool {
	return !h.destroyed && h.pendErr == nil && !h.wblocked && h.fs == nil && h.w.socket && h.wq.n > 0
}
