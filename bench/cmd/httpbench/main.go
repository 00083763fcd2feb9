// Command httpbench compares the CPU cost of keep-alive GET requests made
// by httpc and by its peers against the same local server, in one run
// (PERFORMANCE.md P1, P2, P4).
//
//	httpbench [-server auto|nginx|evio] [-conns 64] [-requests 500000] [-duration 5s]
//	          [-rounds 1] [-clients httpc,net/http,fasthttp,wrk[,httpc-plain,httpc-collect]]
//	          [-collect 50µs] [-callgrind]
//
// The server is nginx when it is installed (its own temporary
// configuration: one worker process, access log off, keep-alive requests
// unlimited, a 12-byte body from `return 200`), else the evio server of
// bench/server; -server forces either. It runs on CPU 1, every client on
// CPU 0 (taskset -c, or sched_setaffinity from inside), one after the
// other:
//
//   - httpc: one loop.Loop and one httpc.Client with MaxPerHost = -conns;
//     -conns requests in flight, each completion callback issuing the
//     next request until -requests were issued or -duration passed;
//   - net/http: -conns goroutines sharing one http.Client whose
//     Transport has MaxIdleConnsPerHost = -conns, each body read to the
//     end and closed;
//   - fasthttp: -conns goroutines sharing one fasthttp.HostClient with
//     MaxConns = -conns, each goroutine reusing its Request and Response;
//   - wrk -t1 -c<conns> -d<duration> when wrk is on PATH, else skipped;
//   - httpc-plain, only when -clients names it: httpc on a loop with
//     PlainSyscalls, every read and write a system call of its own, so
//     that the ratio httpc/httpc-plain is what batching saves;
//   - httpc-collect, only when -clients names it: httpc on a loop with
//     IOCollectInterval = -collect (libev's io collect interval), which
//     naps before polling so that one poll gathers the replies of many
//     connections: fewer wake-ups per request, at the price of up to
//     -collect of added latency. Its ratios to fasthttp and to httpc
//     are printed, and a line with its naps per request.
//
// Each Go client is this program re-executed with a hidden -client flag,
// GOMAXPROCS=1: the child makes an unmeasured warm-up (-warmup requests per
// connection, which opens the connections), then measures the load with
// getrusage(RUSAGE_SELF), runtime.MemStats and /proc/self/io around it
// (httpc: loop.Stats, whose counts include the recv and send calls that
// /proc/self/io misses) and reports to the parent in one JSON line, so
// that every figure is that client's alone. wrk cannot be asked from inside: its figures are the
// rusage of the whole wrk process (connection set-up included, a few
// hundred microseconds), and it is bounded by time only (whole seconds).
//
// Every response is checked: status 200 and a body of the file's length
// (wrk counts only non-2xx statuses and socket errors). A run with any
// error says so and exits with status 1.
//
// The table gives, per client, the requests done, CPU µs per request
// (user+sys), user and system µs per request, allocations and bytes
// allocated per request, read and write system calls per request and the
// rate; then the ratios httpc/peer of CPU per request and the targets
// P1, P2 and P4 with their bars. -rounds N repeats every client N times,
// rotating the order, and sums; with two rounds or more each ratio line
// also gives the median and range of the round-by-round ratios, and with
// three or more P1 is judged on that median, which the machine's speed
// drifting during the run moves less than the sums. -cpuprofile DIR writes a pprof CPU
// profile of each Go client's measured load (httpc-1.pprof, ...; the
// profiler's own cost is then in the figures).
//
// -callgrind prints, instead of the table, the user-mode instructions per
// request of each Go client, counted by valgrind's callgrind tool (-requests
// then defaults to 25000): a figure of the client's own code that does not
// move with the machine's load as CPU time does (callgrind.go).
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/anyevent-go/anyevent/bench/internal/measure"
)

func main() {
	if code, ok := childMain(os.Args[1:]); ok {
		os.Exit(code)
	}
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "httpbench:", err)
		os.Exit(2)
	}
	if cfg.pin {
		runtime.GOMAXPROCS(1)
		if err := measure.PinSelf(serverCPU); err != nil {
			fmt.Fprintln(os.Stderr, "httpbench: pinning to CPU 1:", err)
			os.Exit(1)
		}
	}
	if cfg.callgrind {
		err = callgrindMain(cfg)
	} else {
		var rep *report
		rep, err = run(cfg)
		if rep != nil {
			rep.print(os.Stdout)
		}
		if err == nil && rep.errors() > 0 {
			err = fmt.Errorf("%d requests failed", rep.errors())
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "httpbench:", err)
		os.Exit(1)
	}
}

// The CPUs of a pinned run: the server on one, the client under test on
// the other (PERFORMANCE.md method).
const (
	clientCPU = 0
	serverCPU = 1
)

// defaultClients are the clients measured unless -clients names others,
// in the order of the table.
var defaultClients = []string{"httpc", "net/http", "fasthttp", "wrk"}

// allClients adds the variants of httpc measured on request: httpc-plain,
// whose loop makes each read and write a system call of its own, to
// measure what batching them saves, and httpc-collect, whose loop has an
// I/O collect interval, to measure what fewer wake-ups save.
var allClients = append(defaultClients[:len(defaultClients):len(defaultClients)], "httpc-plain", "httpc-collect")

// config is what one run of httpbench measures.
type config struct {
	exe      string        // program to re-exec as a client child
	server   string        // "auto", "nginx" or "evio"
	clients  []string      // from allClients
	conns    int           // connections of every client
	requests int           // requests per client per round
	duration time.Duration // time cap per client per round
	warmup   int           // unmeasured requests per connection first
	rounds   int           // times each client runs; figures are summed, ratios also paired per round
	pin      bool          // clients on CPU 0, server on CPU 1
	log      bool          // progress on stderr
	profile  string        // directory for CPU profiles of the Go clients, "" for none
	collect  time.Duration // IOCollectInterval of httpc-collect's loop
	// callgrind counts user-mode instructions per request under valgrind
	// instead of measuring CPU time (callgrind.go).
	callgrind bool
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("httpbench", flag.ContinueOnError)
	cfg := config{}
	fs.StringVar(&cfg.server, "server", "auto", "auto (nginx when installed, else evio), nginx or evio")
	clients := fs.String("clients", strings.Join(defaultClients, ","), "clients to measure, comma-separated, of "+strings.Join(allClients, ","))
	fs.IntVar(&cfg.conns, "conns", 64, "keep-alive connections of each client")
	fs.IntVar(&cfg.requests, "requests", 500000, "requests per client per round (wrk: ignored)")
	fs.DurationVar(&cfg.duration, "duration", 5*time.Second, "time cap per client per round (wrk: its -d, whole seconds)")
	fs.IntVar(&cfg.warmup, "warmup", 20, "unmeasured requests per connection before each measurement")
	fs.IntVar(&cfg.rounds, "rounds", 1, "times each client runs, rotating the order")
	fs.BoolVar(&cfg.pin, "pin", true, "pin clients to CPU 0 and the server to CPU 1 (needs 2 CPUs)")
	fs.BoolVar(&cfg.log, "v", false, "log each measurement to stderr")
	fs.DurationVar(&cfg.collect, "collect", 50*time.Microsecond, "loop.Config.IOCollectInterval of the httpc-collect client")
	fs.StringVar(&cfg.profile, "cpuprofile", "", "directory for a CPU profile of each Go client's measured load (CLIENT-ROUND.pprof)")
	fs.BoolVar(&cfg.callgrind, "callgrind", false, "count user-mode instructions per request of the Go clients under valgrind's callgrind (-requests default 25000)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if cfg.callgrind && !flagSet(fs, "requests") {
		cfg.requests = 25000 // callgrind runs a client some fifty times slower
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch cfg.server {
	case "auto", "nginx", "evio":
	default:
		return cfg, fmt.Errorf("-server: unknown server %q (want auto, nginx or evio)", cfg.server)
	}
	for _, c := range strings.Split(*clients, ",") {
		if !known(c) {
			return cfg, fmt.Errorf("-clients: unknown client %q (want some of %s)", c, strings.Join(allClients, ","))
		}
		cfg.clients = append(cfg.clients, c)
	}
	if cfg.callgrind && (len(callgrindClients(cfg.clients)) == 0 || cfg.requests < callgrindMinRequests) {
		return cfg, fmt.Errorf("-callgrind needs a Go client in -clients and -requests of at least %d", callgrindMinRequests)
	}
	if cfg.conns < 1 || cfg.requests < 1 || cfg.duration <= 0 || cfg.warmup < 0 || cfg.rounds < 1 || cfg.collect <= 0 {
		return cfg, errors.New("-conns, -requests, -rounds, -duration and -collect must be positive, -warmup not negative")
	}
	if cfg.pin && !(measure.CPUAvailable(clientCPU) && measure.CPUAvailable(serverCPU)) {
		fmt.Fprintln(os.Stderr, "httpbench: CPUs 0 and 1 are not both available; not pinning")
		cfg.pin = false
	}
	var err error
	cfg.exe, err = os.Executable()
	return cfg, err
}

// flagSet reports whether the command line set the flag called name.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func known(client string) bool {
	for _, c := range allClients {
		if c == client {
			return true
		}
	}
	return false
}
