//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package loop

import (
	"golang.org/x/sys/unix"
)

// kpoller is the BSD backend: one kqueue with EV_CLEAR (edge-triggered)
// read and write filters per fd, and a wake channel (wake_kqueue_*.go).
// kevent carries no token we can set without unsafe, so the token is the fd
// itself; the loop's fd table supplies the generation check.
type kpoller struct {
	kq   int
	wake waker
	raw  [maxPollEvents]unix.Kevent_t
}

func newPoller() (poller, error) {
	kq, err := unix.Kqueue()
	if err != nil {
		return nil, newOpError("kqueue", err)
	}
	unix.CloseOnExec(kq)
	p := &kpoller{kq: kq}
	if err := p.wake.init(kq); err != nil {
		unix.Close(kq)
		return nil, err
	}
	return p, nil
}

func (p *kpoller) add(fd int, token uint64) error {
	var ch [2]unix.Kevent_t
	unix.SetKevent(&ch[0], fd, unix.EVFILT_READ, unix.EV_ADD|unix.EV_CLEAR)
	unix.SetKevent(&ch[1], fd, unix.EVFILT_WRITE, unix.EV_ADD|unix.EV_CLEAR)
	if _, err := unix.Kevent(p.kq, ch[:], nil, nil); err != nil {
		return newOpError("kevent", err)
	}
	return nil
}

func (p *kpoller) del(fd int) error {
	var ch [2]unix.Kevent_t
	unix.SetKevent(&ch[0], fd, unix.EVFILT_READ, unix.EV_DELETE)
	unix.SetKevent(&ch[1], fd, unix.EVFILT_WRITE, unix.EV_DELETE)
	if _, err := unix.Kevent(p.kq, ch[:], nil, nil); err != nil {
		return newOpError("kevent", err)
	}
	return nil
}

func (p *kpoller) wait(evs []pollEvent, timeoutNs int64) ([]pollEvent, bool, error) {
	var ts *unix.Timespec
	if timeoutNs >= 0 {
		t := unix.NsecToTimespec(timeoutNs)
		ts = &t
	}
	n, err := unix.Kevent(p.kq, nil, p.raw[:], ts)
	if err != nil {
		if err == unix.EINTR {
			return evs, false, nil
		}
		return evs, false, newOpError("kevent", err)
	}
	woken := false
	for i := range n {
		e := &p.raw[i]
		if p.wake.is(e) {
			woken = true
			continue
		}
		switch e.Filter {
		case unix.EVFILT_READ:
			ev := Read
			if e.Flags&unix.EV_EOF != 0 {
				ev |= Hup
			}
			evs = append(evs, pollEvent{token: uint64(e.Ident), ev: ev})
		case unix.EVFILT_WRITE:
			evs = append(evs, pollEvent{token: uint64(e.Ident), ev: Write})
		}
	}
	return evs, woken, nil
}

func (p *kpoller) wakeUp() error { return p.wake.trigger(p.kq) }

func (p *kpoller) fd() int { return p.kq }

func (p *kpoller) close() error {
	p.wake.close()
	return unix.Close(p.kq)
}
