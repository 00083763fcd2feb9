package main

import (
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"github.com/anyevent-go/anyevent/bench/internal/measure"
)

// config is what one run of echobench measures.
type config struct {
	exe      string        // program to re-exec as the server child
	servers  []string      // "loop", "net"
	conns    []int         // connection counts
	messages int           // messages per connection per cell
	duration time.Duration // time cap per cell
	warmup   int           // unmeasured messages per connection first
	rounds   int           // times each cell runs; figures are summed
	pin      bool          // generator on CPU 0, server on CPU 1
	procs    int           // GOMAXPROCS of the server children
	strace   string        // directory for strace -c -f summaries, "" for none
	log      io.Writer     // progress, may be nil
}

// cell is the result of one (server, connections) pair, summed over rounds.
type cell struct {
	Server         string        `json:"server"`
	Conns          int           `json:"conns"`
	Messages       uint64        `json:"messages"`        // echoes the generator received
	ServerMessages uint64        `json:"server_messages"` // bytes the server echoed / 64
	Elapsed        time.Duration `json:"elapsed_ns"`
	CPU            measure.Usage `json:"server_cpu"`
	Mallocs        uint64        `json:"mallocs"`
	AllocBytes     uint64        `json:"alloc_bytes"`
	Iterations     uint64        `json:"iterations"`
	Reads          uint64        `json:"reads"`  // server read(2) calls
	Writes         uint64        `json:"writes"` // server write(2) calls
	GenCPU         time.Duration `json:"generator_cpu_ns"`
	Capped         bool          `json:"capped"` // the time cap ended a round early
	Syscalls       string        `json:"syscalls,omitempty"`
}

func per(x, msgs uint64) float64 {
	if msgs == 0 {
		return 0
	}
	return float64(x) / float64(msgs)
}

// CPUPerMsg is the server's CPU microseconds per message.
func (c *cell) CPUPerMsg() float64 { return per(uint64(c.CPU.Total()), c.Messages) / 1e3 }

// UserPerMsg is the server's user-space CPU microseconds per message.
func (c *cell) UserPerMsg() float64 { return per(uint64(c.CPU.User), c.Messages) / 1e3 }

// AllocsPerMsg is the server's allocations per message.
func (c *cell) AllocsPerMsg() float64 { return per(c.Mallocs, c.Messages) }

// BytesPerMsg is the bytes the server allocated per message.
func (c *cell) BytesPerMsg() float64 { return per(c.AllocBytes, c.Messages) }

// MsgsPerSec is the message rate.
func (c *cell) MsgsPerSec() float64 { return float64(c.Messages) / c.Elapsed.Seconds() }

// GenCPUPerMsg is the generator's CPU microseconds per message.
func (c *cell) GenCPUPerMsg() float64 { return per(uint64(c.GenCPU), c.Messages) / 1e3 }

// run measures every cell: for each round and each connection count, each
// server in turn, alternating which goes first.
func run(cfg config) ([]*cell, error) {
	if _, err := measure.RaiseNoFile(uint64(2*maxInt(cfg.conns) + 256)); err != nil {
		return nil, err
	}
	var cells []*cell
	find := func(server string, conns int) *cell {
		for _, c := range cells {
			if c.Server == server && c.Conns == conns {
				return c
			}
		}
		c := &cell{Server: server, Conns: conns}
		cells = append(cells, c)
		return c
	}
	for _, n := range cfg.conns {
		for _, s := range cfg.servers {
			find(s, n)
		}
	}
	for r := range cfg.rounds {
		for _, n := range cfg.conns {
			for i := range cfg.servers {
				s := cfg.servers[(i+r)%len(cfg.servers)]
				if err := runCell(cfg, find(s, n), r); err != nil {
					return cells, fmt.Errorf("%s server, %d connections: %w", s, n, err)
				}
			}
		}
	}
	return cells, nil
}

func maxInt(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// runCell runs one round of one cell and adds its figures to c.
func runCell(cfg config, c *cell, round int) error {
	o := childOptions{exe: cfg.exe, mode: c.Server, cpu: -1, procs: cfg.procs}
	if cfg.pin {
		o.cpu = 1
	}
	if cfg.strace != "" {
		o.strace = filepath.Join(cfg.strace, fmt.Sprintf("strace-%s-%d-%d.txt", c.Server, c.Conns, round))
	}
	ch, err := startChild(o)
	if err != nil {
		return err
	}
	defer ch.close()
	if ch.procs != cfg.procs {
		return fmt.Errorf("server child runs with GOMAXPROCS=%d, want %d", ch.procs, cfg.procs)
	}
	addr, err := netip.ParseAddrPort(ch.addr)
	if err != nil {
		return err
	}
	g, err := newGenerator(addr, c.Conns)
	if err != nil {
		return err
	}
	defer g.close()
	if _, _, err := g.run(cfg.warmup, cfg.duration, replyTimeout); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	if err := measureWindow(cfg, c, ch, g); err != nil {
		return err
	}
	if o.strace != "" {
		warm := uint64(cfg.warmup * c.Conns)
		g.close()
		ch.close()
		c.Syscalls = straceSummary(o.strace, c.Messages+warm)
	}
	return nil
}

// measureWindow brackets one measured phase of the generator with the
// child's start and stop snapshots.
func measureWindow(cfg config, c *cell, ch *child, g *generator) error {
	if r, err := ch.command("start"); err != nil || r.Event != "started" {
		return fmt.Errorf("start: %+v, %v", r, err)
	}
	gen0, _ := measure.SelfUsage()
	msgs, elapsed, err := g.run(cfg.messages, cfg.duration, replyTimeout)
	gen1, _ := measure.SelfUsage()
	if err != nil {
		return err
	}
	r, err := ch.command("stop")
	if err != nil || r.Event != "stopped" {
		return fmt.Errorf("stop: %+v, %v", r, err)
	}
	c.Messages += msgs
	c.ServerMessages += r.Bytes / msgSize
	c.Elapsed += elapsed
	c.CPU.User += time.Duration(r.UserNs)
	c.CPU.Sys += time.Duration(r.SysNs)
	c.CPU.VolCtx += r.VolCtx
	c.Mallocs += r.Mallocs
	c.AllocBytes += r.AllocBytes
	c.Iterations += r.Iterations
	c.Reads += r.Reads
	c.Writes += r.Writes
	c.GenCPU += gen1.Sub(gen0).Total()
	c.Capped = c.Capped || msgs < uint64(cfg.messages*c.Conns)
	if cfg.log != nil {
		fmt.Fprintf(cfg.log, "echobench: %s %d conns: %d messages in %.2fs, server %.2f CPU-µs/msg\n",
			c.Server, c.Conns, msgs, elapsed.Seconds(), float64(r.UserNs+r.SysNs)/1e3/float64(max(msgs, 1)))
	}
	return nil
}

// printTable writes the results and the loop/net ratios.
func printTable(w io.Writer, cells []*cell) {
	fmt.Fprintf(w, "%-6s %6s %10s %11s %11s %11s %7s %9s %10s %10s %9s %9s %11s\n",
		"server", "conns", "messages", "CPU-µs/msg", "user-µs/msg", "allocs/msg", "B/msg", "msgs/s",
		"reads/msg", "writes/msg", "csw/msg", "iter/msg", "gen-µs/msg")
	for _, c := range cells {
		capped := ""
		if c.Capped {
			capped = " (time cap)"
		}
		iter := "-"
		if c.Server == "loop" {
			iter = fmt.Sprintf("%.3f", per(c.Iterations, c.Messages))
		}
		fmt.Fprintf(w, "%-6s %6d %10d %11.2f %11.2f %11.3f %7.1f %9.0f %10.3f %10.3f %9.3f %9s %11.2f%s\n",
			c.Server, c.Conns, c.Messages, c.CPUPerMsg(), c.UserPerMsg(), c.AllocsPerMsg(), c.BytesPerMsg(),
			c.MsgsPerSec(), per(c.Reads, c.Messages), per(c.Writes, c.Messages),
			per(uint64(c.CPU.VolCtx), c.Messages), iter, c.GenCPUPerMsg(), capped)
	}
	for _, c := range cells {
		if c.Syscalls != "" {
			fmt.Fprintf(w, "syscalls %s %d conns: %s\n", c.Server, c.Conns, c.Syscalls)
		}
	}
	for _, lc := range cells {
		if lc.Server != "loop" {
			continue
		}
		for _, nc := range cells {
			if nc.Server == "net" && nc.Conns == lc.Conns && nc.CPUPerMsg() > 0 {
				fmt.Fprintf(w, "ratio loop/net %4d conns: CPU/msg %.2f, user CPU/msg %.2f\n",
					lc.Conns, lc.CPUPerMsg()/nc.CPUPerMsg(), lc.UserPerMsg()/max(nc.UserPerMsg(), 1e-9))
			}
		}
	}
}

// logTo returns the progress writer for verbose runs.
func logTo(verbose bool) io.Writer {
	if verbose {
		return os.Stderr
	}
	return nil
}
