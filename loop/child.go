package loop

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// Child calls a function on the loop when a child process exits
// (AnyEvent::child), with its pid and wait status.
//
// A watcher for a specific pid reaps only that child (wait4 on the pid), so
// it coexists with os/exec in the same program as long as nobody else waits
// for that pid. A watcher for pid 0 reaps every exited child, as AnyEvent
// does, and so takes children away from os/exec: use it only in programs
// that start children themselves.
type Child struct {
	l      *Loop
	pid    int
	cb     func(pid int, status syscall.WaitStatus)
	active bool
}

// childHub keeps the child watchers and the SIGCHLD watcher that drives them.
type childHub struct {
	watchers []*Child
	sigchld  *Signal
}

// Child starts watching for the exit of the child pid (0: any child). The
// callback runs once, on the loop, and the watcher stops itself before it.
// A child that already exited is reported on the next iteration.
func (l *Loop) Child(pid int, cb func(pid int, status syscall.WaitStatus)) *Child {
	if l.children == nil {
		l.children = &childHub{}
	}
	h := l.children
	if h.sigchld == nil {
		h.sigchld = l.Signal(syscall.SIGCHLD, l.reapChildren)
	}
	w := &Child{l: l, pid: pid, cb: cb, active: true}
	h.watchers = append(h.watchers, w)
	l.Defer(l.reapChildren)
	return w
}

// Pid returns the watched pid (0: any child).
func (w *Child) Pid() int { return w.pid }

// Stop ends the watcher without reaping. Stopping twice is harmless.
func (w *Child) Stop() {
	if !w.active {
		return
	}
	w.active = false
	h := w.l.children
	for i, o := range h.watchers {
		if o == w {
			h.watchers = append(h.watchers[:i:i], h.watchers[i+1:]...)
			break
		}
	}
	if len(h.watchers) == 0 && h.sigchld != nil {
		h.sigchld.Stop()
		h.sigchld = nil
	}
}

// reapChildren collects every exited child that some watcher wants.
func (l *Loop) reapChildren() {
	h := l.children
	if h == nil {
		return
	}
	any := false
	for _, w := range h.watchers {
		if w.pid == 0 {
			any = true
			continue
		}
		l.reap(w.pid)
	}
	if any {
		for l.reap(-1) {
		}
	}
}

// reap waits without blocking for pid (-1: any child) and dispatches the
// result. It reports whether a child was reaped.
func (l *Loop) reap(pid int) bool {
	var ws unix.WaitStatus
	got, err := unix.Wait4(pid, &ws, unix.WNOHANG, nil)
	for err == unix.EINTR {
		got, err = unix.Wait4(pid, &ws, unix.WNOHANG, nil)
	}
	if err != nil || got <= 0 {
		return false
	}
	l.dispatchChild(got, syscall.WaitStatus(ws))
	return true
}

// dispatchChild calls the watchers of pid, else the watchers of any child.
func (l *Loop) dispatchChild(pid int, status syscall.WaitStatus) {
	h := l.children
	var hit []*Child
	for _, w := range h.watchers {
		if w.active && w.pid == pid {
			hit = append(hit, w)
		}
	}
	if len(hit) == 0 {
		for _, w := range h.watchers {
			if w.active && w.pid == 0 {
				hit = append(hit, w)
			}
		}
	}
	for _, w := range hit {
		w.Stop()
		w.cb(pid, status)
	}
}
