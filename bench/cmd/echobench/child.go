package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/anyevent-go/anyevent/bench/internal/measure"
)

// replyTimeout bounds how long the parent waits for a line of the child.
const replyTimeout = 15 * time.Second

// child is a running server process under test.
type child struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	lines   chan []byte // the child's stdout, line by line; closed at EOF
	addr    string
	procs   int
	taskset bool // pinned with taskset (else by the child itself, or not at all)
	waitErr chan error
	closed  bool
}

// childOptions say how to start a server child.
type childOptions struct {
	exe    string // the program to re-exec, with -serve
	mode   string // "loop" or "net"
	cpu    int    // CPU to pin the child to, -1 for none
	procs  int    // GOMAXPROCS of the child
	strace string // if not empty, run under strace -c -f writing here
}

// startChild runs exe -serve mode with GOMAXPROCS=o.procs, pinned to a CPU with
// taskset if there is one (else the child pins itself), and waits for its
// address.
func startChild(o childOptions) (*child, error) {
	argv := []string{o.exe, "-serve", o.mode}
	if o.strace != "" {
		argv = append([]string{"strace", "-f", "-c", "-o", o.strace}, argv...)
	}
	pinned := false
	if o.cpu >= 0 {
		argv, pinned = measure.Taskset(o.cpu, argv)
		if !pinned {
			argv = append(argv, "-cpu", strconv.Itoa(o.cpu))
		}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(o.procs))
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, stdin: stdin, lines: make(chan []byte, 4), taskset: pinned, waitErr: make(chan error, 1)}
	go c.readLines(stdout)
	r, err := c.reply()
	if err == nil && r.Addr == "" {
		err = fmt.Errorf("child said %+v, want its address", r)
	}
	if err != nil {
		c.close()
		return nil, err
	}
	c.addr, c.procs = r.Addr, r.Procs
	return c, nil
}

func (c *child) readLines(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		c.lines <- append([]byte(nil), sc.Bytes()...)
	}
	close(c.lines)
}

// reply waits for the next report of the child.
func (c *child) reply() (report, error) {
	var r report
	select {
	case line, ok := <-c.lines:
		if !ok {
			return r, errors.New("server child exited")
		}
		if err := json.Unmarshal(line, &r); err != nil {
			return r, fmt.Errorf("server child said %q: %w", line, err)
		}
		if r.Error != "" {
			return r, errors.New("server child: " + r.Error)
		}
		return r, nil
	case <-time.After(replyTimeout):
		return r, fmt.Errorf("server child silent for %v", replyTimeout)
	}
}

// command sends cmd and waits for the report that answers it.
func (c *child) command(cmd string) (report, error) {
	if _, err := io.WriteString(c.stdin, cmd+"\n"); err != nil {
		return report{}, err
	}
	return c.reply()
}

// close ends the child: its input ends, and it is killed if it does not
// exit within a few seconds.
func (c *child) close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	c.stdin.Close()
	go func() {
		for range c.lines { // let the reader finish
		}
	}()
	go func() { c.waitErr <- c.cmd.Wait() }()
	select {
	case err := <-c.waitErr:
		return err
	case <-time.After(5 * time.Second):
		c.cmd.Process.Kill()
		<-c.waitErr
		return errors.New("server child did not exit; killed")
	}
}
