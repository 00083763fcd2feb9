package loop

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

func TestSignalReachesEveryWatcherOnTheLoop(t *testing.T) {
	l := newLoop(t)
	var a, b int
	wa := l.Signal(syscall.SIGUSR1, func() { a++ })
	wb := l.Signal(syscall.SIGUSR1, func() { b++ })
	defer wb.Stop()
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	runUntil(t, l, 5*time.Second, func() bool { return a == 1 && b == 1 })
	wa.Stop()
	wa.Stop()
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	runUntil(t, l, 5*time.Second, func() bool { return b == 2 })
	if a != 1 {
		t.Fatalf("stopped watcher called: %d", a)
	}
}

func TestChildWatcherReportsExitStatus(t *testing.T) {
	l := newLoop(t)
	cmd := exec.Command("/bin/sh", "-c", "exit 3")
	if err := cmd.Start(); err != nil {
		t.Skip("no /bin/sh:", err)
	}
	pid := cmd.Process.Pid
	var gotPid int
	var status syscall.WaitStatus
	done := false
	l.Child(pid, func(p int, ws syscall.WaitStatus) { gotPid, status, done = p, ws, true })
	runUntil(t, l, 10*time.Second, func() bool { return done })
	if gotPid != pid || !status.Exited() || status.ExitStatus() != 3 {
		t.Fatalf("child %d status %v, want pid %d exit 3", gotPid, status, pid)
	}
}

func TestChildThatAlreadyExitedIsReported(t *testing.T) {
	l := newLoop(t)
	cmd := exec.Command("/bin/sh", "-c", "exit 0")
	if err := cmd.Start(); err != nil {
		t.Skip("no /bin/sh:", err)
	}
	// Let the child become a zombie before the watcher exists.
	time.Sleep(50 * time.Millisecond)
	done := false
	l.Child(cmd.Process.Pid, func(int, syscall.WaitStatus) { done = true })
	runUntil(t, l, 10*time.Second, func() bool { return done })
}

func TestAnyChildWatcher(t *testing.T) {
	l := newLoop(t)
	cmd := exec.Command("/bin/sh", "-c", "kill -TERM $$")
	if err := cmd.Start(); err != nil {
		t.Skip("no /bin/sh:", err)
	}
	var status syscall.WaitStatus
	gotPid := 0
	l.Child(0, func(p int, ws syscall.WaitStatus) { gotPid, status = p, ws })
	runUntil(t, l, 10*time.Second, func() bool { return gotPid != 0 })
	if gotPid != cmd.Process.Pid || !status.Signaled() || status.Signal() != syscall.SIGTERM {
		t.Fatalf("pid %d status %v, want %d killed by SIGTERM", gotPid, status, cmd.Process.Pid)
	}
}
