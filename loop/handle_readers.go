package loop

import (
	"bytes"
	"regexp"
	"syscall"
)

// The built-in read types of AnyEvent::Handle (spec §17.3). Each
// constructor returns a [Reader] for [Handle.PushRead] or
// [Handle.UnshiftRead]. The data a callback gets is removed from the input
// before the callback runs, as in AnyEvent, so [Handle.RBuf] inside the
// callback shows what follows it. Building a reader allocates; pushing a
// reader built once does not.

// DataFunc is the callback of [ReadChunk] and [ReadRegexp].
type DataFunc func(h *Handle, data []byte)

// LineFunc is the callback of the line readers: line without its
// terminator, and the terminator eol.
type LineFunc func(h *Handle, line, eol []byte)

// ReadChunk returns a reader that waits until n bytes are buffered and
// passes exactly those n bytes to cb. data is a view into the handle's
// buffer, valid only until cb returns.
func ReadChunk(n int, cb DataFunc) Reader {
	n = max(n, 0)
	return func(h *Handle) bool {
		buf := h.RBuf()
		if len(buf) < n {
			return false
		}
		h.Consume(n)
		cb(h, buf[:n:n])
		return true
	}
}

// resume makes a scan resumable (STYLE B7.5): it remembers how far a
// search got without a match, relative to the handle's consumed count, so
// the next call searches only the new bytes even if someone consumed input
// in between.
type resume struct {
	mark uint64 // h.consumed when the search stopped
	from int    // bytes searched then, from the front of the input
}

// start returns where to continue searching the input of h; overlap backs
// up for a terminator that may straddle old and new bytes.
func (s *resume) start(h *Handle, overlap int) int {
	return min(max(s.from-int(h.consumed-s.mark)-overlap, 0), len(h.rbuf)-h.roff)
}

func (s *resume) stop(h *Handle, searched int) { s.mark, s.from = h.consumed, searched }

// ReadLine returns a reader that waits for a line ended by LF and passes
// it to cb without the LF and one CR directly before it; eol is "\n" or
// "\r\n". line and eol are views into the handle's buffer, valid only
// until cb returns. A partial line is never delivered: end-of-file before
// the LF is a fatal EPIPE error.
func ReadLine(cb LineFunc) Reader {
	var s resume
	return func(h *Handle) bool {
		buf := h.RBuf()
		from := s.start(h, 0)
		i := bytes.IndexByte(buf[from:], '\n')
		if i < 0 {
			s.stop(h, len(buf))
			return false
		}
		i += from
		s.from = 0
		end := i
		if end > 0 && buf[end-1] == '\r' {
			end--
		}
		h.Consume(i + 1)
		cb(h, buf[:end:end], buf[end:i+1:i+1])
		return true
	}
}

// ReadLineEOL returns a reader that waits for the literal terminator eol
// and passes the line before it, and eol, to cb. line and eol are views
// into the handle's buffer, valid only until cb returns.
func ReadLineEOL(eol string, cb LineFunc) Reader {
	sep := []byte(eol)
	var s resume
	return func(h *Handle) bool {
		buf := h.RBuf()
		from := s.start(h, len(sep)-1)
		i := bytes.Index(buf[from:], sep)
		if i < 0 {
			s.stop(h, len(buf))
			return false
		}
		i += from
		s.from = 0
		end := i + len(sep)
		h.Consume(end)
		cb(h, buf[:i:i], buf[i:end:end])
		return true
	}
}

// ReadLineRegexp returns a reader that waits until re matches and passes
// the data before the leftmost match as the line and the match as eol
// (AnyEvent: the shortest prefix followed by the pattern). line and eol
// are views into the handle's buffer, valid only until cb returns. The
// whole input is searched again each time data arrives.
func ReadLineRegexp(re *regexp.Regexp, cb LineFunc) Reader {
	return func(h *Handle) bool {
		buf := h.RBuf()
		loc := re.FindIndex(buf)
		if loc == nil {
			return false
		}
		h.Consume(loc[1])
		cb(h, buf[:loc[0]:loc[0]], buf[loc[0]:loc[1]:loc[1]])
		return true
	}
}

// ReadRegexp returns AnyEvent's regex reader. When accept matches anywhere
// in the input, everything up to the end of the match, after the data
// skipped so far, is removed and passed to cb. Otherwise, when reject
// (optional) matches, a non-fatal EBADMSG error is raised and the reader
// keeps waiting; then, when skip (optional) matches, the input up to the
// end of that match is moved aside, to be passed with the accepted data.
// data is valid only until cb returns. The input is searched again each
// time data arrives.
func ReadRegexp(accept, reject, skip *regexp.Regexp, cb DataFunc) Reader {
	var skipped []byte
	return func(h *Handle) bool {
		buf := h.RBuf()
		if loc := accept.FindIndex(buf); loc != nil {
			data := buf[:loc[1]:loc[1]]
			if len(skipped) > 0 {
				skipped = append(skipped, data...)
				data = skipped
			}
			h.Consume(loc[1])
			cb(h, data)
			skipped = skipped[:0]
			return true
		}
		if reject != nil && reject.Match(buf) {
			h.raise(errnoError("read", syscall.EBADMSG), false)
			if h.destroyed {
				return false
			}
			buf = h.RBuf()
		}
		if skip != nil {
			if loc := skip.FindIndex(buf); loc != nil {
				skipped = append(skipped, buf[:loc[1]]...)
				h.Consume(loc[1])
			}
		}
		return false
	}
}
