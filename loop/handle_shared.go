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
	chunks [][]byte
	// iov and iovecs are the reused arguments of writev.
	iov    [][]byte
	iovecs sys.Iovecs
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

// sharedOf returns the handleShared of l, made on first use.
func sharedOf(l *Loop) *handleShared {
	if l.handles == nil {
		l.handles = &handleShared{}
	}
	return l.handles
}
