//go:build linux

package loop

import (
	"time"

	"github.com/anyevent-go/anyevent/internal/sys"
	"golang.org/x/sys/unix"
)

// wakeToken marks the eventfd's events; fd tokens never have the top bit set.
const wakeToken = 1 << 63

// epoller is the Linux backend: one epoll instance plus an eventfd for
// wake-ups from other goroutines.
type epoller struct {
	epfd   int
	wakefd int
	raw    [maxPollEvents]unix.EpollEvent
}

func newPoller() (poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, newOpError("epoll_create1", err)
	}
	wakefd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(epfd)
		return nil, newOpError("eventfd", err)
	}
	p := &epoller{epfd: epfd, wakefd: wakefd}
	if err := p.ctl(unix.EPOLL_CTL_ADD, wakefd, unix.EPOLLIN|unix.EPOLLET, wakeToken); err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

func (p *epoller) ctl(op, fd int, events uint32, token uint64) error {
	ev := unix.EpollEvent{Events: events, Fd: int32(uint32(token)), Pad: int32(uint32(token >> 32))}
	if err := unix.EpollCtl(p.epfd, op, fd, &ev); err != nil {
		return newOpError("epoll_ctl", err)
	}
	return nil
}

func (p *epoller) add(fd int, token uint64) error {
	return p.ctl(unix.EPOLL_CTL_ADD, fd, unix.EPOLLIN|unix.EPOLLOUT|unix.EPOLLRDHUP|unix.EPOLLET, token)
}

func (p *epoller) del(fd int) error {
	return p.ctl(unix.EPOLL_CTL_DEL, fd, 0, 0)
}

func (p *epoller) wait(evs []pollEvent, timeoutNs int64) ([]pollEvent, bool, error) {
	// A poll that cannot sleep is made raw (internal/sys/rawio.go); one that
	// may sleep goes through the scheduler's hooks, so that the thread's P
	// runs other goroutines meanwhile.
	var n int
	var err error
	if timeoutNs == 0 {
		n, err = sys.EpollPoll(p.epfd, p.raw[:])
	} else {
		n, err = p.sleep(timeoutNs)
	}
	if err != nil {
		if err == unix.EINTR {
			return evs, false, nil
		}
		return evs, false, newOpError("epoll_wait", err)
	}
	woken := false
	for i := range n {
		e := &p.raw[i]
		token := uint64(uint32(e.Fd)) | uint64(uint32(e.Pad))<<32
		if token == wakeToken {
			woken = true
			continue
		}
		var ev Events
		if e.Events&(unix.EPOLLIN|unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
			ev |= Read
		}
		if e.Events&(unix.EPOLLOUT|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
			ev |= Write
		}
		if e.Events&(unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
			ev |= Hup
		}
		evs = append(evs, pollEvent{token: token, ev: ev})
	}
	if woken {
		var buf [8]byte
		sys.Read(p.wakefd, buf[:])
	}
	return evs, woken, nil
}

func (p *epoller) wakeUp() error {
	one := [8]byte{1}
	_, err := sys.Write(p.wakefd, one[:])
	if err != nil && err != unix.EAGAIN {
		return newOpError("write eventfd", err)
	}
	return nil
}

func (p *epoller) fd() int { return p.epfd }

func (p *epoller) close() error {
	unix.Close(p.wakefd)
	return unix.Close(p.epfd)
}

// msTimeout converts a poll timeout in nanoseconds to epoll's milliseconds,
// rounding up so that a timer is never woken for early.
func msTimeout(ns int64) int {
	if ns < 0 {
		return -1
	}
	const maxMs = 1 << 30
	ms := (ns + 999_999) / 1_000_000
	if ms > maxMs {
		ms = maxMs
	}
	return int(ms)
}

// sleep is an epoll_wait that may block, for timeoutNs or, when that is
// negative, until an event. An interruption (EINTR) is not a wake-up: the
// kernel interrupts a sleeping thread to run work queued for it, such as
// the teardown of an io_uring the thread used (batch.go), so the wait
// resumes for what is left of the timeout.
func (p *epoller) sleep(timeoutNs int64) (int, error) {
	var deadline time.Time
	if timeoutNs > 0 {
		deadline = time.Now().Add(time.Duration(timeoutNs))
	}
	for {
		n, err := unix.EpollWait(p.epfd, p.raw[:], msTimeout(timeoutNs))
		if err != unix.EINTR {
			return n, err
		}
		if timeoutNs > 0 {
			if timeoutNs = int64(time.Until(deadline)); timeoutNs <= 0 {
				return 0, nil
			}
		}
	}
}
