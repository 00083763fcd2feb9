package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"syscall"
	"time"

	"github.com/anyevent-go/anyevent/bench/internal/measure"
)

// wrkPath returns the wrk program, or "" when it is not on PATH.
func wrkPath() string {
	p, err := exec.LookPath("wrk")
	if err != nil {
		return ""
	}
	return p
}

// wrkSeconds is wrk's -d for a duration: wrk takes whole seconds.
func wrkSeconds(d time.Duration) int { return max(1, int(math.Ceil(d.Seconds()))) }

// runWrk runs wrk -t1 -c<conns> -d<seconds> on url, pinned to cpu unless
// it is negative, and returns its figures: the requests and errors it
// printed and the rusage of the whole process.
func runWrk(path string, ld load) (*result, error) {
	secs := wrkSeconds(ld.duration)
	argv := []string{path, "-t1", "-c" + strconv.Itoa(ld.conns), "-d" + strconv.Itoa(secs) + "s", ld.url}
	if ld.cpu >= 0 {
		// wrk cannot pin itself: without taskset it runs unpinned.
		argv, _ = measure.Taskset(ld.cpu, argv)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(secs)*time.Second+30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	start := time.Now()
	out, err := cmd.Output()
	elapsed := time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("wrk: %w: %s", err, out)
	}
	r, err := parseWrk(out)
	if err != nil {
		return nil, err
	}
	r.Elapsed = elapsed
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.User, r.Sys = time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
	}
	return r, nil
}

var (
	wrkRequests = regexp.MustCompile(`(?m)^\s*(\d+) requests in `)
	wrkSocket   = regexp.MustCompile(`(?m)^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	wrkNon2xx   = regexp.MustCompile(`(?m)^\s*Non-2xx or 3xx responses: (\d+)`)
)

// parseWrk reads the request count and the errors from wrk's summary.
// wrk checks no body and counts 3xx as good; its reads and allocations are
// not measured.
func parseWrk(out []byte) (*result, error) {
	m := wrkRequests.FindSubmatch(out)
	if m == nil {
		return nil, fmt.Errorf("wrk: no request count in %q", out)
	}
	r := &result{Client: "wrk", Mallocs: -1, AllocBytes: -1, Reads: -1, Writes: -1, Polls: -1, Syscalls: -1, Naps: -1}
	r.Requests, _ = strconv.ParseUint(string(m[1]), 10, 64)
	if m := wrkSocket.FindSubmatch(out); m != nil {
		for _, n := range m[1:] {
			v, _ := strconv.ParseUint(string(n), 10, 64)
			r.Errors += v
		}
		if r.Errors > 0 {
			r.FirstError = "wrk: " + string(bytes.TrimSpace(m[0]))
		}
	}
	if m := wrkNon2xx.FindSubmatch(out); m != nil {
		v, _ := strconv.ParseUint(string(m[1]), 10, 64)
		r.Errors += v
		if r.FirstError == "" {
			r.FirstError = "wrk: " + string(bytes.TrimSpace(m[0]))
		}
	}
	return r, nil
}
