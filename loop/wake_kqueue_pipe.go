//go:build netbsd || openbsd

package loop

import "golang.org/x/sys/unix"

// waker wakes a kqueue through a non-blocking self-pipe, for systems
// without EVFILT_USER.
type waker struct {
	r, w int
}

func (k *waker) init(kq int) error {
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		return newOpError("pipe2", err)
	}
	k.r, k.w = fds[0], fds[1]
	var ch [1]unix.Kevent_t
	unix.SetKevent(&ch[0], k.r, unix.EVFILT_READ, unix.EV_ADD|unix.EV_CLEAR)
	if _, err := unix.Kevent(kq, ch[:], nil, nil); err != nil {
		k.close()
		return newOpError("kevent", err)
	}
	return nil
}

// is reports whether e is the pipe's event and drains the pipe if so.
func (k *waker) is(e *unix.Kevent_t) bool {
	if e.Filter != unix.EVFILT_READ || int(e.Ident) != k.r {
		return false
	}
	var buf [64]byte
	for {
		if n, err := unix.Read(k.r, buf[:]); n <= 0 || err != nil {
			return true
		}
	}
}

func (k *waker) trigger(int) error {
	_, err := unix.Write(k.w, []byte{1})
	if err != nil && err != unix.EAGAIN {
		return newOpError("write", err)
	}
	return nil
}

func (k *waker) close() {
	unix.Close(k.r)
	unix.Close(k.w)
}
