// Package measure holds the measuring helpers shared by the benchmark
// commands of this module: process CPU time from getrusage, resident memory
// from /proc/self/status, raising RLIMIT_NOFILE, and pinning a process to
// one CPU. The method they serve is PERFORMANCE.md's: CPU time and
// allocations per operation, compared with a peer measured in the same run.
package measure

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// Usage is the CPU time a process has used, split as getrusage reports it,
// and its context switches: voluntary ones (a thread blocked: a sleep, a
// wait for I/O or a futex) and involuntary ones (preempted).
type Usage struct {
	User, Sys       time.Duration
	VolCtx, InvoCtx int64
}

// Total returns user plus system time.
func (u Usage) Total() time.Duration { return u.User + u.Sys }

// Sub returns the time used between the snapshot o and u.
func (u Usage) Sub(o Usage) Usage {
	return Usage{User: u.User - o.User, Sys: u.Sys - o.Sys, VolCtx: u.VolCtx - o.VolCtx, InvoCtx: u.InvoCtx - o.InvoCtx}
}

// SelfUsage returns the CPU time of the calling process, all threads
// (getrusage RUSAGE_SELF).
func SelfUsage() (Usage, error) {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return Usage{}, fmt.Errorf("getrusage: %w", err)
	}
	return Usage{
		User: time.Duration(ru.Utime.Nano()), Sys: time.Duration(ru.Stime.Nano()),
		VolCtx: ru.Nvcsw, InvoCtx: ru.Nivcsw,
	}, nil
}

// RSS returns the resident set size of the calling process in bytes, the
// VmRSS line of /proc/self/status.
func RSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return StatusField(f, "VmRSS")
}

// StatusField finds the line "name: <n> kB" in a /proc/<pid>/status file
// and returns n in bytes.
func StatusField(r io.Reader, name string) (int64, error) {
	f, err := statusLine(r, name)
	if err != nil {
		return 0, err
	}
	if len(f) != 2 || string(f[1]) != "kB" {
		return 0, fmt.Errorf("status: malformed %s line %q", name, bytes.Join(f, []byte(" ")))
	}
	kb, err := strconv.ParseInt(string(f[0]), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("status: %s: %w", name, err)
	}
	return kb * 1024, nil
}

// statusLine returns the fields after "name:" on its line of a
// /proc/<pid>/status file.
func statusLine(r io.Reader, name string) ([][]byte, error) {
	sc := bufio.NewScanner(r)
	prefix := []byte(name + ":")
	for sc.Scan() {
		if line := sc.Bytes(); bytes.HasPrefix(line, prefix) {
			return bytes.Fields(line[len(prefix):]), nil
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("status: no %s line", name)
}

// VoluntarySwitches returns the voluntary context switches of process pid
// so far (the voluntary_ctxt_switches line of /proc/<pid>/status, which
// for a single-threaded server such as nginx counts its sleeps).
func VoluntarySwitches(pid int) (int64, error) {
	file, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer file.Close()
	f, err := statusLine(file, "voluntary_ctxt_switches")
	if err != nil {
		return 0, err
	}
	if len(f) != 1 {
		return 0, fmt.Errorf("status: malformed voluntary_ctxt_switches line %q", bytes.Join(f, []byte(" ")))
	}
	return strconv.ParseInt(string(f[0]), 10, 64)
}

// RaiseNoFile makes sure the soft RLIMIT_NOFILE is at least want, raising
// the hard limit too when it is lower (which needs root or
// CAP_SYS_RESOURCE, and never goes past fs.nr_open). It returns the soft
// limit in force afterwards, and an error when that is below want. Child
// processes inherit the limits.
func RaiseNoFile(want uint64) (uint64, error) {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
		return 0, fmt.Errorf("getrlimit: %w", err)
	}
	if rl.Cur >= want {
		return rl.Cur, nil
	}
	next := unix.Rlimit{Cur: want, Max: max(rl.Max, want)}
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &next); err == nil {
		return want, nil
	}
	// Not allowed to raise the hard limit: take what it allows.
	next = unix.Rlimit{Cur: rl.Max, Max: rl.Max}
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &next); err != nil {
		return rl.Cur, fmt.Errorf("setrlimit NOFILE %d: %w", want, err)
	}
	return rl.Max, fmt.Errorf("RLIMIT_NOFILE hard limit is %d, need %d (raising it needs CAP_SYS_RESOURCE)", rl.Max, want)
}

// CPUAvailable reports whether the calling thread may run on cpu.
func CPUAvailable(cpu int) bool {
	var set unix.CPUSet
	if cpu < 0 || unix.SchedGetaffinity(0, &set) != nil {
		return false
	}
	return set.IsSet(cpu)
}

// PinSelf restricts every thread of the calling process to cpu. Threads
// created later inherit the mask of the thread that creates them, so the
// whole process stays on cpu.
func PinSelf(cpu int) error {
	var set unix.CPUSet
	set.Set(cpu)
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return err
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		if err := unix.SchedSetaffinity(tid, &set); err != nil && err != unix.ESRCH {
			return fmt.Errorf("sched_setaffinity %d: %w", tid, err)
		}
	}
	return nil
}

// Taskset returns argv prefixed with "taskset -c cpu" when the taskset
// command exists (PERFORMANCE.md pins servers that way), and reports
// whether it did; a caller that gets false can pin the child with PinSelf
// from inside instead.
func Taskset(cpu int, argv []string) ([]string, bool) {
	path, err := exec.LookPath("taskset")
	if err != nil {
		return argv, false
	}
	return append([]string{path, "-c", strconv.Itoa(cpu)}, argv...), true
}

// GoHeap is the part of runtime.MemStats the idle-connection measurement
// compares: read after a full collection, it is the live Go heap.
type GoHeap struct {
	HeapAlloc, HeapInuse, Sys uint64
	Mallocs                   uint64
	Goroutines                int
}

// CollectedHeap runs two garbage collections (the second frees what the
// first's finalizers and sweeps left) and returns the heap figures.
func CollectedHeap() GoHeap {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return GoHeap{
		HeapAlloc: ms.HeapAlloc, HeapInuse: ms.HeapInuse, Sys: ms.Sys,
		Mallocs: ms.Mallocs, Goroutines: runtime.NumGoroutine(),
	}
}

// SyscallCounts are the read and write system calls a process made, from
// the syscr and syscw lines of /proc/self/io. Every read(2) and write(2)
// counts, including those that fail with EAGAIN, so they show an extra
// read per message without the distortion of strace. Calls that bypass
// the VFS read and write paths (recvmsg, sendmsg) are not counted.
type SyscallCounts struct {
	Reads, Writes uint64
}

// SelfSyscalls returns the read and write system calls of the calling
// process so far.
func SelfSyscalls() (SyscallCounts, error) {
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return SyscallCounts{}, err
	}
	var c SyscallCounts
	var haveR, haveW bool
	for _, line := range bytes.Split(data, []byte("\n")) {
		name, val, ok := bytes.Cut(line, []byte(": "))
		if !ok {
			continue
		}
		n, perr := strconv.ParseUint(string(bytes.TrimSpace(val)), 10, 64)
		switch {
		case perr != nil:
		case string(name) == "syscr":
			c.Reads, haveR = n, true
		case string(name) == "syscw":
			c.Writes, haveW = n, true
		}
	}
	if !haveR || !haveW {
		return c, fmt.Errorf("/proc/self/io: no syscr or syscw line")
	}
	return c, nil
}

// NullSyscall returns what one system call that does no work (getppid)
// costs the calling thread: the least of several timed batches, so that a
// preemption does not count. It is the toll every read, write and poll
// pays on top of its work; on a paravirtualised guest it can be ten times
// a bare machine's, and with it the weight of every call a client saves.
func NullSyscall() time.Duration {
	const batches, calls = 5, 20000
	best := time.Duration(1<<63 - 1)
	for range batches {
		start := time.Now()
		for range calls {
			unix.RawSyscall(unix.SYS_GETPPID, 0, 0, 0)
		}
		best = min(best, time.Since(start)/calls)
	}
	return best
}
