package loop

// timerHeap is a 4-ary min-heap of armed timers ordered by deadline, ties
// broken by start sequence so that timers due at the same instant fire in the
// order they were started (libuv start_id). Each slot caches the deadline and
// sequence beside the pointer so sifting compares without dereferencing
// (libev ANHE). A 4-ary heap halves the depth of a binary one and keeps the
// children of a node in one cache line.
type timerHeap []heapSlot

type heapSlot struct {
	when int64 // deadline, loop-monotonic nanoseconds
	seq  uint64
	t    *Timer
}

const heapArity = 4

func (s *heapSlot) before(o *heapSlot) bool {
	return s.when < o.when || (s.when == o.when && s.seq < o.seq)
}

// push inserts t with its when and seq.
func (h *timerHeap) push(t *Timer) {
	*h = append(*h, heapSlot{when: t.when, seq: t.seq, t: t})
	h.up(len(*h) - 1)
}

// remove takes the timer at index i out of the heap.
func (h *timerHeap) remove(i int) {
	s := *h
	last := len(s) - 1
	s[i].t.index = -1
	if i != last {
		s[i] = s[last]
		s[i].t.index = i
	}
	s[last] = heapSlot{}
	*h = s[:last]
	if i != last {
		h.fix(i)
	}
}

// fix restores the order after the slot at i changed its when or seq.
func (h *timerHeap) fix(i int) {
	s := *h
	s[i].when, s[i].seq = s[i].t.when, s[i].t.seq
	if i > 0 && s[i].before(&s[(i-1)/heapArity]) {
		h.up(i)
	} else {
		h.down(i)
	}
}

func (h timerHeap) up(i int) {
	x := h[i]
	for i > 0 {
		p := (i - 1) / heapArity
		if !x.before(&h[p]) {
			break
		}
		h[i] = h[p]
		h[i].t.index = i
		i = p
	}
	h[i] = x
	x.t.index = i
}

func (h timerHeap) down(i int) {
	x := h[i]
	n := len(h)
	for {
		c := i*heapArity + 1
		if c >= n {
			break
		}
		m := c
		end := min(c+heapArity, n)
		for j := c + 1; j < end; j++ {
			if h[j].before(&h[m]) {
				m = j
			}
		}
		if !h[m].before(&x) {
			break
		}
		h[i] = h[m]
		h[i].t.index = i
		i = m
	}
	h[i] = x
	x.t.index = i
}
