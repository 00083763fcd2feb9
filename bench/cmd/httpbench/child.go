package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"syscall"
	"time"

	"github.com/anyevent-go/anyevent/bench/internal/measure"
	"github.com/anyevent-go/anyevent/loop"
)

// load is what a client child is asked to do.
type load struct {
	client   string
	url      string
	conns    int
	requests int
	duration time.Duration
	warmup   int           // requests per connection
	bodyLen  int           // expected body length
	cpu      int           // CPU to pin itself to, -1 for none
	profile  string        // file for a CPU profile of the measured load, "" for none
	collect  time.Duration // IOCollectInterval of httpc-collect's loop
}

// driver is a client under test, set up in the child: run issues requests
// until requests were issued or d passed, keeping conns in flight, waits
// for the ones in flight and checks every response.
type driver interface {
	run(requests int, d time.Duration) tally
	close()
}

// tally counts the responses of one run of a driver.
type tally struct {
	requests, errors uint64
	firstErr         string
	capped           bool
	// polls is how many times the client polled for readiness (httpc:
	// loop iterations, one epoll_wait each); -1 when not known.
	polls int64
	// syscalls is how many system calls the client made to move data and
	// poll (httpc: from loop.Stats, batched calls counted once per batch);
	// -1 when not known.
	syscalls int64
	// naps is how many times the loop slept out its I/O collect interval
	// (httpc); -1 when not known.
	naps int64
	// napped is the time the naps took.
	napped time.Duration
	// reads and writes are the client's own counts of its read and write
	// system calls (httpc: loop.Stats, as its recv and send calls escape
	// /proc/self/io); -1 to take them from /proc/self/io.
	reads, writes int64
}

// fail counts a bad response; the first one's text is kept.
func (t *tally) fail(format string, args ...any) {
	t.errors++
	if t.firstErr == "" {
		t.firstErr = fmt.Sprintf(format, args...)
	}
}

// add sums o into t.
func (t *tally) add(o tally) {
	t.requests += o.requests
	t.errors += o.errors
	if t.firstErr == "" {
		t.firstErr = o.firstErr
	}
	t.capped = t.capped || o.capped
	t.polls += o.polls
	t.syscalls += o.syscalls
	t.naps += o.naps
	t.napped += o.napped
	t.reads += o.reads
	t.writes += o.writes
}

// childMain runs a client child when args start with -client, and reports
// whether it did.
func childMain(args []string) (int, bool) {
	if len(args) < 2 || args[0] != "-client" {
		return 0, false
	}
	fs := flag.NewFlagSet("httpbench -client", flag.ContinueOnError)
	var ld load
	fs.StringVar(&ld.client, "client", "", "")
	fs.StringVar(&ld.url, "url", "", "")
	fs.IntVar(&ld.conns, "conns", 64, "")
	fs.IntVar(&ld.requests, "requests", 1000, "")
	fs.DurationVar(&ld.duration, "duration", time.Second, "")
	fs.IntVar(&ld.warmup, "warmup", 0, "")
	fs.IntVar(&ld.bodyLen, "bodylen", 0, "")
	fs.IntVar(&ld.cpu, "cpu", -1, "")
	fs.StringVar(&ld.profile, "cpuprofile", "", "")
	fs.DurationVar(&ld.collect, "collect", 0, "")
	if err := fs.Parse(args); err != nil {
		return 2, true
	}
	r, err := runLoad(ld)
	if err != nil {
		fmt.Fprintf(os.Stderr, "httpbench -client %s: %v\n", ld.client, err)
		return 1, true
	}
	json.NewEncoder(os.Stdout).Encode(r)
	return 0, true
}

// runLoad sets up the client, warms it up and measures the load.
func runLoad(ld load) (*result, error) {
	if ld.cpu >= 0 {
		if err := measure.PinSelf(ld.cpu); err != nil {
			return nil, err
		}
	}
	d, err := newDriver(ld)
	if err != nil {
		return nil, err
	}
	defer d.close()
	if ld.warmup > 0 {
		if t := d.run(ld.warmup*ld.conns, ld.duration); t.errors > 0 {
			return nil, fmt.Errorf("warm-up: %d errors, first: %s", t.errors, t.firstErr)
		}
	}
	if ld.profile != "" {
		f, err := os.Create(ld.profile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	return measureRun(ld.client, func() tally { return d.run(ld.requests, ld.duration) }), nil
}

func newDriver(ld load) (driver, error) {
	switch ld.client {
	case "httpc":
		return newHTTPCDriver(ld, loop.Config{})
	case "httpc-plain":
		return newHTTPCDriver(ld, loop.Config{PlainSyscalls: true})
	case "httpc-collect":
		return newHTTPCDriver(ld, loop.Config{IOCollectInterval: ld.collect})
	case "net/http":
		return newNetHTTPDriver(ld)
	case "fasthttp":
		return newFastHTTPDriver(ld)
	}
	return nil, fmt.Errorf("unknown client %q", ld.client)
}

// measureRun brackets run with the process's CPU time, allocation counters
// and, unless run counts them itself, read/write system call counters.
func measureRun(client string, run func() tally) *result {
	var ms0, ms1 runtime.MemStats
	sys0, _ := measure.SelfSyscalls()
	runtime.ReadMemStats(&ms0)
	cpu0, _ := measure.SelfUsage()
	start := time.Now()
	t := run()
	elapsed := time.Since(start)
	cpu1, _ := measure.SelfUsage()
	runtime.ReadMemStats(&ms1)
	sys1, _ := measure.SelfSyscalls()
	d := cpu1.Sub(cpu0)
	if t.reads < 0 {
		t.reads, t.writes = int64(sys1.Reads-sys0.Reads), int64(sys1.Writes-sys0.Writes)
	}
	return &result{
		Client: client, Requests: t.requests, Errors: t.errors, FirstError: t.firstErr,
		Elapsed: elapsed, User: d.User, Sys: d.Sys, Capped: t.capped,
		Mallocs: int64(ms1.Mallocs - ms0.Mallocs), AllocBytes: int64(ms1.TotalAlloc - ms0.TotalAlloc),
		Reads: t.reads, Writes: t.writes, Polls: t.polls, Syscalls: t.syscalls, Naps: t.naps, Napped: t.napped,
	}
}

// runChild runs one Go client in a child process (this program with
// -client), pinned to cpu unless it is negative, with GOMAXPROCS=1, and
// returns its report.
func runChild(exe string, ld load) (*result, error) {
	return runChildUnder(nil, nil, exe, ld, os.Stderr)
}

// runChildUnder is runChild with the child started by the command wrap
// (valgrind, say; nil for none), env added to its environment, and its
// standard error written to stderr.
func runChildUnder(wrap, env []string, exe string, ld load, stderr io.Writer) (*result, error) {
	argv := []string{exe, "-client", ld.client, "-url", ld.url, "-conns", strconv.Itoa(ld.conns),
		"-requests", strconv.Itoa(ld.requests), "-duration", ld.duration.String(),
		"-warmup", strconv.Itoa(ld.warmup), "-bodylen", strconv.Itoa(ld.bodyLen)}
	if ld.profile != "" {
		argv = append(argv, "-cpuprofile", ld.profile)
	}
	if ld.collect > 0 {
		argv = append(argv, "-collect", ld.collect.String())
	}
	argv = append(wrap[:len(wrap):len(wrap)], argv...)
	if ld.cpu >= 0 {
		var pinned bool
		if argv, pinned = measure.Taskset(ld.cpu, argv); !pinned {
			argv = append(argv, "-cpu", strconv.Itoa(ld.cpu))
		}
	}
	// Warm-up and load are each capped by the duration; the rest is slack.
	ctx, cancel := context.WithTimeout(context.Background(), 2*ld.duration+30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(append(os.Environ(), "GOMAXPROCS=1"), env...)
	cmd.Stderr = stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("client child: %w", err)
	}
	var r result
	if err := json.Unmarshal(bytes.TrimSpace(out), &r); err != nil {
		return nil, fmt.Errorf("client child said %q: %w", out, err)
	}
	return &r, nil
}
