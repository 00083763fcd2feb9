package loop

import "github.com/anyevent-go/anyevent/internal/sys"

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
	chunks freeList[[]byte]
	// lists are free chunk lists of write queues (capacity chunkListCap).
	lists freeList[[]wchunk]
	// iov and iovecs are the reused arguments of writev.
	iov    [][]byte
	iovecs sys.Iovecs
	// corked lists the handles whose corked output waits for the flush
	// before the next poll; flushing is the list being flushed (reused
	// backing array).
	corked, flushing []*Handle
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
	// chunkListCap is the capacity of a pooled chunk list, and
	// maxFreeLists bounds their free list (40 KiB).
	chunkListCap = 4
	maxFreeLists = 256
	// maxWritev is IOV_MAX on Linux and the BSDs: writev takes no more.
	maxWritev = sys.MaxWritev
)

// scratchFor returns the scratch buffer with room for at least n bytes.
func (sh *handleShared) scratchFor(n int) []byte {
	if cap(sh.scratch) < n {
		sh.scratch = make([]byte, max(2*n, scratchSize))
	}
	return sh.scratch[:cap(sh.scratch)]
}

func (sh *handleShared) getChunk() []byte {
	if b, ok := sh.chunks.get(); ok {
		return b
	}
	return make([]byte, 0, writeChunkSize)
}

func (sh *handleShared) putChunk(b []byte) {
	if cap(b) == writeChunkSize {
		sh.chunks.put(b[:0], maxFreeChunks)
	}
}

func (sh *handleShared) getChunkList() []wchunk {
	if c, ok := sh.lists.get(); ok {
		return c
	}
	return make([]wchunk, 0, chunkListCap)
}

// putChunkList takes back an emptied chunk list (pop cleared its entries).
func (sh *handleShared) putChunkList(c []wchunk) {
	if cap(c) == chunkListCap {
		sh.lists.put(c[:0], maxFreeLists)
	}
}

// freeList is a bounded stack of reusable items.
type freeList[T any] struct{ items []T }

func (f *freeList[T]) get() (x T, ok bool) {
	k := len(f.items)
	if k == 0 {
		return x, false
	}
	x = f.items[k-1]
	var zero T
	f.items[k-1] = zero
	f.items = f.items[:k-1]
	return x, true
}

// put keeps x unless the list holds limit items already.
func (f *freeList[T]) put(x T, limit int) {
	if len(f.items) < limit {
		f.items = append(f.items, x)
	}
}

// sharedOf returns the handleShared of l, made on first use.
func sharedOf(l *Loop) *handleShared {
	if l.handles == nil {
		l.handles = &handleShared{}
	}
	return l.handles
}
