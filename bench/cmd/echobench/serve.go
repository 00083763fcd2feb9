package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/anyevent-go/anyevent/bench/internal/measure"
	"github.com/anyevent-go/anyevent/loop"
)

// netBufSize is the fixed buffer of each goroutine of the net server, as
// in a hand-written io.Copy loop.
const netBufSize = 4096

// report is one JSON line from the server child to the load generator:
// first its address, then an acknowledgement of "start", then the figures
// of the window between "start" and "stop".
type report struct {
	Addr       string `json:"addr,omitempty"`
	Event      string `json:"event,omitempty"`
	Error      string `json:"error,omitempty"`
	UserNs     int64  `json:"user_ns,omitempty"`
	SysNs      int64  `json:"sys_ns,omitempty"`
	VolCtx     int64  `json:"voluntary_ctxsw,omitempty"`
	Mallocs    uint64 `json:"mallocs,omitempty"`
	AllocBytes uint64 `json:"alloc_bytes,omitempty"`
	Bytes      uint64 `json:"bytes,omitempty"`
	Reads      uint64 `json:"reads,omitempty"`  // read(2) calls
	Writes     uint64 `json:"writes,omitempty"` // write(2) calls
	Iterations uint64 `json:"iterations,omitempty"`
	Goroutines int    `json:"goroutines,omitempty"`
	Procs      int    `json:"gomaxprocs,omitempty"`
}

// server is the echo server under test, running in the child.
type server interface {
	addr() string
	echoed() uint64 // bytes echoed so far
	// counts returns the loop iterations (0 for net) and the read and
	// write system calls of the server so far.
	counts() (iterations uint64, sys measure.SyscallCounts)
	run() error // serves until shutdown
	shutdown()  // may be called from any goroutine
}

// snapshot is the state of the child at "start" or "stop".
type snapshot struct {
	cpu        measure.Usage
	mallocs    uint64
	allocBytes uint64
	bytes      uint64
	iterations uint64
	sys        measure.SyscallCounts
}

// take snapshots the child. The loop server's counters are read through
// a Post, the net server's from /proc/self/io with a read into a new
// buffer, both of which allocate: at "start" (before true) they are read
// before the allocation counter, at "stop" after it, so that the window
// counts only what the server allocated.
func take(s server, before bool) snapshot {
	var snap snapshot
	if before {
		snap.iterations, snap.sys = s.counts()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	snap.cpu, _ = measure.SelfUsage()
	snap.mallocs, snap.allocBytes, snap.bytes = ms.Mallocs, ms.TotalAlloc, s.echoed()
	if !before {
		snap.iterations, snap.sys = s.counts()
	}
	return snap
}

// serveMain runs the child: mode is "loop" or "net". It exits when its
// standard input ends.
func serveMain(mode string, cpu int) int {
	if cpu >= 0 {
		if err := measure.PinSelf(cpu); err != nil {
			fmt.Fprintln(os.Stderr, "echobench -serve:", err)
		}
	}
	var s server
	var err error
	switch mode {
	case "loop":
		s, err = newLoopServer()
	case "net":
		s, err = newNetServer()
	default:
		err = fmt.Errorf("unknown server %q (want loop or net)", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "echobench -serve:", err)
		return 1
	}
	out := json.NewEncoder(os.Stdout)
	out.Encode(report{Addr: s.addr(), Procs: runtime.GOMAXPROCS(0)})
	go control(s, os.Stdin, out)
	if err := s.run(); err != nil {
		fmt.Fprintln(os.Stderr, "echobench -serve:", err)
		return 1
	}
	return 0
}

// startedLine is the acknowledgement of "start", written without
// allocating so that the window counts only the server's allocations.
var startedLine = []byte(`{"event":"started"}` + "\n")

// control reads the commands of the load generator: "start" takes the
// first snapshot, "stop" the second and reports the difference. The end
// of input shuts the server down.
func control(s server, in io.Reader, out *json.Encoder) {
	sc := bufio.NewScanner(in)
	var first snapshot
	for sc.Scan() {
		switch cmd := sc.Bytes(); {
		case bytes.Equal(cmd, []byte("start")):
			first = take(s, true)
			os.Stdout.Write(startedLine)
		case bytes.Equal(cmd, []byte("stop")):
			last := take(s, false)
			d := last.cpu.Sub(first.cpu)
			out.Encode(report{
				Event: "stopped", UserNs: d.User.Nanoseconds(), SysNs: d.Sys.Nanoseconds(), VolCtx: d.VolCtx,
				Mallocs: last.mallocs - first.mallocs, AllocBytes: last.allocBytes - first.allocBytes,
				Bytes: last.bytes - first.bytes, Iterations: last.iterations - first.iterations,
				Reads: last.sys.Reads - first.sys.Reads, Writes: last.sys.Writes - first.sys.Writes,
				Goroutines: runtime.NumGoroutine(), Procs: runtime.GOMAXPROCS(0),
			})
		default:
			out.Encode(report{Error: fmt.Sprintf("unknown command %q", cmd)})
		}
	}
	s.shutdown()
}

// loopServer is one loop.Loop with a loop.Handle per connection that
// echoes from OnRead with RBuf, Write and Consume.
type loopServer struct {
	l     *loop.Loop
	ln    *loop.Listener
	bytes atomic.Uint64
	opts  loop.HandleOptions
}

func newLoopServer() (*loopServer, error) {
	l, err := loop.New()
	if err != nil {
		return nil, err
	}
	s := &loopServer{l: l}
	// NoDelay matches the net server: Go sets TCP_NODELAY on every
	// connection.
	s.opts = loop.HandleOptions{NoDelay: true, OnRead: s.echo, OnEOF: (*loop.Handle).Destroy}
	s.ln, err = l.Listen("tcp4", "127.0.0.1:0", nil, s.accept)
	if err != nil {
		l.Close()
		return nil, err
	}
	return s, nil
}

func (s *loopServer) accept(fd int, _ net.Addr) {
	if _, err := loop.NewHandle(s.l, fd, &s.opts); err != nil {
		fmt.Fprintln(os.Stderr, "echobench -serve loop:", err)
	}
}

// echo counts the bytes before it writes them back, so that the count is
// complete once the generator has its echo (so does the net server).
func (s *loopServer) echo(h *loop.Handle) {
	b := h.RBuf()
	s.bytes.Add(uint64(len(b)))
	h.Write(b)
	h.Consume(len(b))
}

func (s *loopServer) addr() string   { return s.ln.Addr().String() }
func (s *loopServer) echoed() uint64 { return s.bytes.Load() }

// counts asks the loop for its counters (the loop's own: its Handles use
// recv and send, which /proc/self/io does not count); the Post wakes it
// once.
func (s *loopServer) counts() (uint64, measure.SyscallCounts) {
	ch := make(chan loop.Stats, 1)
	if s.l.Post(func() { ch <- s.l.Stats() }) != nil {
		return 0, measure.SyscallCounts{}
	}
	select {
	case st := <-ch:
		return st.Iterations, measure.SyscallCounts{Reads: st.Reads, Writes: st.Writes}
	case <-time.After(5 * time.Second):
		return 0, measure.SyscallCounts{}
	}
}

func (s *loopServer) run() error {
	err := s.l.Run()
	s.ln.Close()
	s.l.Close()
	return err
}

func (s *loopServer) shutdown() { s.l.Post(s.l.Stop) }

// netServer is net.Listen with a goroutine per connection copying through
// a fixed buffer.
type netServer struct {
	ln    net.Listener
	bytes atomic.Uint64
}

func newNetServer() (*netServer, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return &netServer{ln: ln}, nil
}

func (s *netServer) addr() string   { return s.ln.Addr().String() }
func (s *netServer) echoed() uint64 { return s.bytes.Load() }
func (s *netServer) counts() (uint64, measure.SyscallCounts) {
	c, _ := measure.SelfSyscalls()
	return 0, c
}
func (s *netServer) shutdown() { s.ln.Close() }

func (s *netServer) run() error {
	for {
		c, err := s.ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return nil
		}
		if err != nil {
			return err
		}
		go s.echo(c)
	}
}

func (s *netServer) echo(c net.Conn) {
	defer c.Close()
	buf := make([]byte, netBufSize)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			s.bytes.Add(uint64(n))
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
