package main

import "time"

// result is what one client did in its measured window: the child's JSON
// line, and, summed over rounds, one row of the table.
type result struct {
	Client     string        `json:"client"`
	Requests   uint64        `json:"requests"` // responses checked good or bad
	Errors     uint64        `json:"errors"`   // failures, bad statuses, wrong body lengths
	FirstError string        `json:"first_error,omitempty"`
	Elapsed    time.Duration `json:"elapsed_ns"`
	User       time.Duration `json:"user_ns"`
	Sys        time.Duration `json:"sys_ns"`
	Mallocs    int64         `json:"mallocs"`     // -1: not measured (wrk)
	AllocBytes int64         `json:"alloc_bytes"` // -1: not measured (wrk)
	Reads      int64         `json:"reads"`       // read(2)/recv(2) calls; -1: not measured
	Writes     int64         `json:"writes"`      // write(2)/writev(2)/send(2) calls; -1: not measured
	Polls      int64         `json:"polls"`       // epoll_wait calls (httpc); -1: not measured
	// Syscalls counts the calls made to read, write and poll, a batch of
	// reads or writes counted once (httpc); -1: not measured.
	Syscalls int64 `json:"syscalls"`
	// Naps counts the sleeps of the loop's I/O collect interval (httpc);
	// -1: not measured.
	Naps   int64         `json:"naps"`
	Napped time.Duration `json:"napped_ns"` // the time the naps took
	// ServerSleeps counts the server's voluntary context switches while
	// the client ran (warm-up included): how often the client's requests
	// found it asleep and woke it. -1: not measured (evio, in-process).
	ServerSleeps int64  `json:"-"`
	Capped       bool   `json:"capped"` // the time cap ended the load
	Skipped      string `json:"skipped,omitempty"`
	// rounds holds the CPU µs per request of each round, in round order.
	rounds []float64
}

// add sums o into r; a figure that o did not measure stays unmeasured.
func (r *result) add(o *result) {
	r.Requests += o.Requests
	r.Errors += o.Errors
	if r.FirstError == "" {
		r.FirstError = o.FirstError
	}
	r.Elapsed += o.Elapsed
	r.User += o.User
	r.Sys += o.Sys
	r.Mallocs = addMeasured(r.Mallocs, o.Mallocs)
	r.AllocBytes = addMeasured(r.AllocBytes, o.AllocBytes)
	r.Reads = addMeasured(r.Reads, o.Reads)
	r.Writes = addMeasured(r.Writes, o.Writes)
	r.Polls = addMeasured(r.Polls, o.Polls)
	r.Syscalls = addMeasured(r.Syscalls, o.Syscalls)
	r.Naps = addMeasured(r.Naps, o.Naps)
	r.Napped += o.Napped
	r.ServerSleeps = addMeasured(r.ServerSleeps, o.ServerSleeps)
	r.Capped = r.Capped || o.Capped
	r.Skipped = o.Skipped
	r.rounds = append(r.rounds, o.CPUPerReq())
}

func addMeasured(a, b int64) int64 {
	if a < 0 || b < 0 {
		return -1
	}
	return a + b
}

// perReq divides x by the requests; NaN-free: 0 without requests.
func (r *result) perReq(x float64) float64 {
	if r.Requests == 0 {
		return 0
	}
	return x / float64(r.Requests)
}

// CPUPerReq is the client's CPU microseconds (user+sys) per request.
func (r *result) CPUPerReq() float64 { return r.perReq(float64((r.User + r.Sys).Nanoseconds())) / 1e3 }

// UserPerReq is the client's user-space CPU microseconds per request.
func (r *result) UserPerReq() float64 { return r.perReq(float64(r.User.Nanoseconds())) / 1e3 }

// SysPerReq is the client's system CPU microseconds per request.
func (r *result) SysPerReq() float64 { return r.perReq(float64(r.Sys.Nanoseconds())) / 1e3 }

// AllocsPerReq is the client's allocations per request.
func (r *result) AllocsPerReq() float64 { return r.perReq(float64(r.Mallocs)) }

// BytesPerReq is the bytes the client allocated per request.
func (r *result) BytesPerReq() float64 { return r.perReq(float64(r.AllocBytes)) }

// ReqPerSec is the request rate (printed, never a bar).
func (r *result) ReqPerSec() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}
