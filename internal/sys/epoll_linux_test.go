//go:build linux

package sys

import (
	"testing"

	"golang.org/x/sys/unix"
)

// EpollPoll returns at once, with the ready events.
func TestEpollPoll(t *testing.T) {
	a, b := rawPair(t)
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(ep)
	if err := unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, a, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(a)}); err != nil {
		t.Fatal(err)
	}
	evs := make([]unix.EpollEvent, 4)
	if n, err := EpollPoll(ep, evs); n != 0 || err != nil {
		t.Fatalf("poll of an idle socket: %d, %v", n, err)
	}
	Write(b, []byte("x"))
	n, err := EpollPoll(ep, evs)
	if n != 1 || err != nil || evs[0].Fd != int32(a) || evs[0].Events&unix.EPOLLIN == 0 {
		t.Fatalf("poll: %d, %v, %+v", n, err, evs[0])
	}
}
