package loop

import "bytes"

// writeQueue is a handle's queue of output not yet written: a list of
// slices written in order with writev (STYLE B7.6). Small copied writes are
// coalesced into chunks taken from the loop's free list and returned there
// once written; larger copies and owned slices are dropped once written.
// An empty queue holds no memory.
type writeQueue struct {
	chunks []wchunk
	n      int // bytes queued
}

// wchunk is one queued slice; b[off:] is still to be written.
type wchunk struct {
	b      []byte
	off    int
	pooled bool // b is a chunk of the loop's free list
}

// push queues p. With owned false p is copied and the caller may reuse it;
// with owned true the queue keeps p itself.
func (q *writeQueue) push(sh *handleShared, p []byte, owned bool) {
	q.n += len(p)
	if q.chunks == nil {
		q.chunks = sh.getChunkList()
	}
	switch {
	case owned:
		q.chunks = append(q.chunks, wchunk{b: p})
	case len(q.chunks) > 0 && q.last().pooled && cap(q.last().b)-len(q.last().b) >= len(p):
		c := q.last()
		c.b = append(c.b, p...)
	case len(p) <= writeChunkSize:
		q.chunks = append(q.chunks, wchunk{b: append(sh.getChunk(), p...), pooled: true})
	default:
		q.chunks = append(q.chunks, wchunk{b: bytes.Clone(p)})
	}
}

func (q *writeQueue) last() *wchunk { return &q.chunks[len(q.chunks)-1] }

// front returns the first queued slice, nil when the queue is empty. It is
// valid until the next call to advance or reset.
func (q *writeQueue) front() []byte {
	if len(q.chunks) == 0 {
		return nil
	}
	c := &q.chunks[0]
	return c.b[c.off:]
}

// gather appends the queued slices, at most maxWritev, to iov.
func (q *writeQueue) gather(iov [][]byte) [][]byte {
	for i := range q.chunks[:min(len(q.chunks), maxWritev)] {
		c := &q.chunks[i]
		iov = append(iov, c.b[c.off:])
	}
	return iov
}

// advance removes n written bytes from the front.
func (q *writeQueue) advance(sh *handleShared, n int) {
	q.n -= n
	for n > 0 {
		c := &q.chunks[0]
		rem := len(c.b) - c.off
		if n < rem {
			c.off += n
			return
		}
		n -= rem
		q.pop(sh)
	}
	if q.n == 0 {
		q.reset(sh)
	}
}

func (q *writeQueue) pop(sh *handleShared) {
	if c := q.chunks[0]; c.pooled {
		sh.putChunk(c.b)
	}
	k := len(q.chunks) - 1
	copy(q.chunks, q.chunks[1:])
	q.chunks[k] = wchunk{}
	q.chunks = q.chunks[:k]
}

// reset drops everything queued and releases the queue's memory: the
// chunk list goes back to the loop's free list, so a handle that queues
// now and then (Autocork queues every write) allocates nothing for it.
func (q *writeQueue) reset(sh *handleShared) {
	for len(q.chunks) > 0 {
		q.pop(sh)
	}
	if q.chunks != nil {
		sh.putChunkList(q.chunks)
	}
	q.chunks, q.n = nil, 0
}
