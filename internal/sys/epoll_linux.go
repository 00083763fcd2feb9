//go:build linux

package sys

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// EpollPoll is epoll_wait(2) with a zero timeout: it collects the events
// that are ready now and never blocks, so it is made raw like [Read] (see
// rawio.go). A poll that may sleep must use unix.EpollWait, whose hooks
// let the runtime run other goroutines meanwhile. It is epoll_pwait with
// no signal mask underneath: arm64 and riscv64 have no epoll_wait.
func EpollPoll(epfd int, events []unix.EpollEvent) (int, error) {
	var p0 unsafe.Pointer
	if len(events) > 0 {
		p0 = unsafe.Pointer(&events[0])
	} else {
		p0 = unsafe.Pointer(&zero)
	}
	n, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(p0), uintptr(len(events)), 0, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}
