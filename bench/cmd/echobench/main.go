// Command echobench compares the CPU cost of echoing small messages with a
// loop.Handle server and with a goroutine-per-connection net server, at
// several connection counts, on loopback.
//
//	echobench [-conns 1,64,1024] [-messages 20000] [-duration 5s] [-rounds 1]
//
// For each cell (server, connections) it starts the server under test as a
// child process, the program itself run with -serve loop or -serve net,
// with GOMAXPROCS=1 and pinned to CPU 1 (taskset -c 1 when taskset exists);
// the parent, pinned to CPU 0, is the load generator: one loop.Loop driving
// every connection with raw IO watchers, each connection keeping one
// 64-byte message in flight (ping-pong). After an unmeasured warm-up the
// parent tells the child "start", makes every connection send -messages
// messages (or fewer when -duration passes first), waits for all echoes and
// tells the child "stop"; the child answers with its own CPU time (getrusage
// RUSAGE_SELF, user+sys), runtime.MemStats allocation deltas and the bytes it
// echoed in that window. The table gives, per cell, the messages, server
// CPU µs and allocations per message, the rate, loop iterations per
// message and the generator's own CPU per message, and then the ratio
// loop/net of CPU per message for each connection count (PERFORMANCE.md:
// per-operation cost against a peer in the same run).
//
// The servers: "loop" is one loop.Loop, loop.Listen, and a loop.Handle per
// connection (TCP_NODELAY, as Go sets it) echoing from OnRead with RBuf,
// Write and Consume; "net" is net.Listen with a goroutine per connection
// copying through a fixed 4 KiB buffer. Both run on one core with
// GOMAXPROCS=1, for fairness.
//
// With -strace DIR each child runs under strace -c -f and the table adds
// system calls per message over the child's whole life (CPU figures are
// then meaningless: ptrace slows everything).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/anyevent-go/anyevent/bench/internal/measure"
)

func main() {
	if code, ok := childMain(os.Args[1:]); ok {
		os.Exit(code)
	}
	cfg, asJSON, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "echobench:", err)
		os.Exit(2)
	}
	if cfg.pin {
		runtime.GOMAXPROCS(1)
		if err := measure.PinSelf(0); err != nil {
			fmt.Fprintln(os.Stderr, "echobench: pinning to CPU 0:", err)
			os.Exit(1)
		}
	}
	cells, err := run(cfg)
	if asJSON {
		json.NewEncoder(os.Stdout).Encode(cells)
	} else {
		printTable(os.Stdout, cells)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "echobench:", err)
		os.Exit(1)
	}
}

// childMain runs the server child when args start with -serve, and
// reports whether it did.
func childMain(args []string) (int, bool) {
	if len(args) < 2 || args[0] != "-serve" {
		return 0, false
	}
	cpu := -1
	if len(args) == 4 && args[2] == "-cpu" {
		cpu, _ = strconv.Atoi(args[3])
	}
	return serveMain(args[1], cpu), true
}

func parseFlags(args []string) (config, bool, error) {
	fs := flag.NewFlagSet("echobench", flag.ContinueOnError)
	conns := fs.String("conns", "1,64,1024", "connection counts, comma-separated")
	servers := fs.String("servers", "loop,net", "servers to compare, comma-separated")
	cfg := config{}
	fs.IntVar(&cfg.messages, "messages", 20000, "messages per connection per cell")
	fs.DurationVar(&cfg.duration, "duration", 5*time.Second, "time cap per cell")
	fs.IntVar(&cfg.warmup, "warmup", 20, "unmeasured messages per connection before each cell")
	fs.IntVar(&cfg.rounds, "rounds", 1, "times each cell runs, alternating which server goes first")
	fs.IntVar(&cfg.procs, "procs", 1, "GOMAXPROCS of the server children")
	fs.BoolVar(&cfg.pin, "pin", true, "pin the generator to CPU 0 and the server to CPU 1 (needs 2 CPUs)")
	fs.StringVar(&cfg.strace, "strace", "", "directory for strace -c -f summaries of the server children")
	verbose := fs.Bool("v", false, "log each cell to stderr")
	asJSON := fs.Bool("json", false, "print the cells as JSON instead of a table")
	if err := fs.Parse(args); err != nil {
		return cfg, false, err
	}
	var err error
	if cfg.conns, err = parseInts(*conns); err != nil {
		return cfg, false, err
	}
	cfg.servers = strings.Split(*servers, ",")
	for _, s := range cfg.servers {
		if s != "loop" && s != "net" {
			return cfg, false, fmt.Errorf("-servers: unknown server %q", s)
		}
	}
	if cfg.messages < 1 || cfg.warmup < 0 || cfg.rounds < 1 || cfg.duration <= 0 || cfg.procs < 1 {
		return cfg, false, errors.New("-messages, -rounds, -procs and -duration must be positive, -warmup not negative")
	}
	if cfg.pin && !(measure.CPUAvailable(0) && measure.CPUAvailable(1)) {
		fmt.Fprintln(os.Stderr, "echobench: CPUs 0 and 1 are not both available; not pinning")
		cfg.pin = false
	}
	if cfg.exe, err = os.Executable(); err != nil {
		return cfg, false, err
	}
	cfg.log = logTo(*verbose)
	return cfg, *asJSON, nil
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad connection count %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}
