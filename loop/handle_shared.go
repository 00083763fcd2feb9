package loop

import (
	"sync"
	"weak"
)

// handleShared is what the handles of one loop share: the scratch buffer
// they read into and the free list of write chunks. It is used only on the
// loop's goroutine.
type handleShared struct {
	// scratch is lent to one handle at a time, the one whose readers run;
	// busy says it is lent. Readers run on it in place; the handle copies
	// what they leave into its own buffer before it gives scratch back.
	scratch []byte
	busy    bool
	// chunks are free write chunks of capacity writeChunkSize: copies of
	// small writes that could not go out at once (STYLE B7.7, a free list
	// owned by the loop).
	chunks [][]byte
	// iov is the reused argument of writev.
	iov [][]byte
}

const (
	// scratchSize is the scratch buffer's least size: two maximal reads,
	// so a partial message plus the next read fit without moving data.
	scratchSize = 2 * DefaultMaxReadSize
	// writeChunkSize is the size of the chunks small queued writes are
	// copied into and coalesced in; larger copies get a buffer of their own
	// that is released once written (evio's cap(c.out) > 4096 rule).
	writeChunkSize = 4096
	// maxFreeChunks bounds the loop's free list: 256 KiB.
	maxFreeChunks = 64
	// maxWritev is IOV_MAX on Linux and the BSDs: writev takes no more.
	maxWritev = 1024
)

// scratchFor returns the scratch buffer with room for at least n bytes.
func (sh *handleShared) scratchFor(n int) []byte {
	if cap(sh.scratch) < n {
		sh.scratch = make([]byte, max(2*n, scratchSize))
	}
	return sh.scratch[:cap(sh.scratch)]
}

func (sh *handleShared) getChunk() []byte {
	if k := len(sh.chunks); k > 0 {
		b := sh.chunks[k-1]
		sh.chunks[k-1] = nil
		sh.chunks = sh.chunks[:k-1]
		return b
	}
	return make([]byte, 0, writeChunkSize)
}

func (sh *handleShared) putChunk(b []byte) {
	if cap(b) == writeChunkSize && len(sh.chunks) < maxFreeChunks {
		sh.chunks = append(sh.chunks, b[:0])
	}
}

// sharedCache finds a loop's handleShared until Loop has a field for it
// (see sharedOf). Loops are held weakly, so a closed and forgotten loop and
// its buffers can be collected.
var sharedCache struct {
	mu    sync.Mutex
	slots [8]sharedSlot
	next  int
}

type sharedSlot struct {
	l weak.Pointer[Loop]
	s *handleShared
}

// sharedOf returns the handleShared of l; NewHandle calls it once per
// handle. When more loops are alive than the cache has slots, a loop may
// get a second handleShared: harmless, since each one is still used by one
// loop only.
func sharedOf(l *Loop) *handleShared {
	wp := weak.Make(l)
	c := &sharedCache
	c.mu.Lock()
	defer c.mu.Unlock()
	free := -1
	for i := range c.slots {
		sl := &c.slots[i]
		if sl.s != nil && sl.l == wp {
			return sl.s
		}
		if free < 0 && (sl.s == nil || sl.l.Value() == nil) {
			free = i
		}
	}
	if free < 0 {
		free = c.next
		c.next = (c.next + 1) % len(c.slots)
	}
	s := &handleShared{}
	c.slots[free] = sharedSlot{l: wp, s: s}
	return s
}
