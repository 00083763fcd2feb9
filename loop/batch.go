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
// IO.sysWrite), so the batch changes how many system calls are made, not
// what the callbacks see: a read-ahead is data read just before the
// callbacks of the dispatch ran, a send-ahead is the prefix of the queue
// the flush was about to write.
//
// A read-ahead that its Handle has not taken when the next batch begins
// (the Handle no longer read when its turn came, or it was destroyed and
// lingers) has its data copied out of the arena first, and keeps its fd's
// read readiness, so the Handle takes it when it reads. A send-ahead holds
// no buffer and waits for the Handle's next write. Stopping the watcher
// drops both.
type batcher struct {
	b      *sys.Batch
	res    []int32
	ios    []*IO  // the watchers of the calls being batched, in order
	arena  []byte // the buffers of one dispatch's read-aheads
	unread []*IO  // watchers whose read-ahead may still point into arena
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
// Handle will read, when there are at least two.
func (l *Loop) readAhead() {
	bt := l.bat
	bt.keepUnread()
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
		w.rahead.data = bt.arena[used : used+k : used+k]
		used += k
		bt.ios = append(bt.ios, w)
	}
	if len(bt.ios) < 2 {
		bt.clear()
		return
	}
	for _, w := range bt.ios {
		bt.b.Recv(w.reg.fd, w.rahead.data)
	}
	err := l.submitBatch()
	for i, w := range bt.ios {
		res := bt.resultOf(i, err)
		w.rahead = readResult{data: w.rahead.data[:max(res, 0)], res: res, pending: true}
	}
	bt.unread = append(bt.unread, bt.ios...)
	bt.clear()
}

// keepUnread copies the data of read-aheads that were not taken out of the
// arena, which the next batch reuses.
func (bt *batcher) keepUnread() {
	for i, w := range bt.unread {
		if w.rahead.pending && len(w.rahead.data) > 0 {
			w.rahead.data = bytes.Clone(w.rahead.data)
		}
		bt.unread[i] = nil
	}
	bt.unread = bt.unread[:0]
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
	err := l.submitBatch()
	for i, w := range bt.ios {
		w.wahead = sendResult{res: bt.resultOf(i, err), pending: true}
	}
	bt.clear()
}

// submitBatch makes the queued calls. A failure of the batch itself
// leaves it unknown which calls were made, so each call's watcher gets the
// error, and the loop makes its calls one by one from then on.
func (l *Loop) submitBatch() error {
	l.stats.Batches++
	err := l.bat.b.Submit(l.bat.res)
	if err != nil {
		l.bat.b.Close()
		l.bat = nil
	}
	return err
}

// resultOf is call i's result, or the batch's failure.
func (bt *batcher) resultOf(i int, err error) int32 {
	if err == nil {
		return bt.res[i]
	}
	if e, ok := err.(syscall.Errno); ok {
		return -int32(e)
	}
	return -int32(syscall.EIO)
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
