//go:build darwin || freebsd || dragonfly

package loop

import "golang.org/x/sys/unix"

// waker wakes a kqueue through an EVFILT_USER event, no descriptor needed.
type waker struct{}

// wakeIdent is the EVFILT_USER identifier used for wake-ups.
const wakeIdent = 0

func (waker) init(kq int) error {
	var ch [1]unix.Kevent_t
	unix.SetKevent(&ch[0], wakeIdent, unix.EVFILT_USER, unix.EV_ADD|unix.EV_CLEAR)
	if _, err := unix.Kevent(kq, ch[:], nil, nil); err != nil {
		return newOpError("kevent", err)
	}
	return nil
}

func (waker) is(e *unix.Kevent_t) bool { return e.Filter == unix.EVFILT_USER }

func (waker) trigger(kq int) error {
	var ch [1]unix.Kevent_t
	unix.SetKevent(&ch[0], wakeIdent, unix.EVFILT_USER, 0)
	ch[0].Fflags = unix.NOTE_TRIGGER
	if _, err := unix.Kevent(kq, ch[:], nil, nil); err != nil {
		return newOpError("kevent", err)
	}
	return nil
}

func (waker) close() {}
