package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/anyevent-go/anyevent/loop"
)

// holder is the measured side: one loop whose listeners accept every
// connection into a loop.Handle that waits for input.
type holder struct {
	cfg     config
	l       *loop.Loop
	lns     []*loop.Listener
	handles []*loop.Handle
	opts    loop.HandleOptions
	allowed int // connections the child may have opened
	opened  int // connections the child says it opened
	err     error

	child   *exec.Cmd
	toChild io.WriteCloser
	exited  chan error
}

// newHolder makes the loop and listens on 127.0.0.1 … 127.0.0.<addrs>,
// ephemeral ports: the client's ephemeral ports run out at about 28k per
// destination, so the connections are spread over several.
func newHolder(cfg config) (*holder, error) {
	l, err := loop.New()
	if err != nil {
		return nil, err
	}
	h := &holder{cfg: cfg, l: l, handles: make([]*loop.Handle, 0, cfg.n)}
	h.opts = loop.HandleOptions{
		OnRead: h.onRead, OnEOF: h.onEOF, OnError: h.onError,
		Timeout: time.Hour, // far: an idle keep-alive connection's timeout
	}
	for i := range cfg.addrs {
		ln, err := l.Listen("tcp4", fmt.Sprintf("127.0.0.%d:0", i+1), nil, h.accept)
		if err != nil {
			h.close()
			return nil, err
		}
		h.lns = append(h.lns, ln)
	}
	return h, nil
}

func (h *holder) fail(err error) {
	if h.err == nil {
		h.err = err
	}
}

func (h *holder) accept(fd int, _ net.Addr) {
	hd, err := loop.NewHandle(h.l, fd, &h.opts)
	if err != nil {
		syscall.Close(fd)
		h.fail(err)
		return
	}
	h.handles = append(h.handles, hd)
	if h.allowed-len(h.handles) <= h.cfg.window/2 {
		h.grant()
	}
}

func (h *holder) onRead(hd *loop.Handle) {
	h.fail(fmt.Errorf("an idle connection received %d bytes", len(hd.RBuf())))
	hd.Consume(len(hd.RBuf()))
}

func (h *holder) onEOF(*loop.Handle) { h.fail(errors.New("an idle connection was closed by its peer")) }

func (h *holder) onError(_ *loop.Handle, _ bool, err error) { h.fail(err) }

// grant lets the child open up to window connections more than were
// accepted, so the listen queues never overflow (a dropped SYN would cost
// a one-second retransmission).
func (h *holder) grant() {
	next := min(h.cfg.n, len(h.handles)+h.cfg.window)
	if next <= h.allowed || h.err != nil {
		return
	}
	h.allowed = next
	if _, err := io.WriteString(h.toChild, strconv.Itoa(next)+"\n"); err != nil {
		h.fail(fmt.Errorf("writing to the dialer: %w", err))
	}
}

// startChild re-executes the program as the dialer. Its reports are
// posted to the loop.
func (h *holder) startChild() error {
	var addrs []string
	for _, ln := range h.lns {
		addrs = append(addrs, ln.Addr().String())
	}
	cmd := exec.Command(h.cfg.exe, "-dial", strings.Join(addrs, ","), "-n", strconv.Itoa(h.cfg.n))
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	h.child, h.toChild, h.exited = cmd, in, make(chan error, 1)
	go h.readChild(out)
	return nil
}

// readChild runs on its own goroutine and hands each line of the dialer to
// the loop.
func (h *holder) readChild(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		h.l.Post(func() { h.childSaid(line) })
	}
	h.l.Post(func() {
		if h.opened < h.cfg.n {
			h.fail(errors.New("the dialer exited early"))
		}
	})
}

func (h *holder) childSaid(line string) {
	if s, ok := strings.CutPrefix(line, "opened "); ok {
		if k, err := strconv.Atoi(s); err == nil {
			h.opened = k
			return
		}
	}
	h.fail(errors.New("dialer: " + line))
}

// close destroys every handle, closes the listeners, ends the dialer (it
// closes its sockets when its input ends) and closes the loop.
func (h *holder) close() error {
	for _, hd := range h.handles {
		hd.Destroy()
	}
	h.handles = nil
	for _, ln := range h.lns {
		ln.Close()
	}
	var err error
	if h.child != nil {
		h.toChild.Close()
		go func() { h.exited <- h.child.Wait() }()
		select {
		case err = <-h.exited:
		case <-time.After(30 * time.Second):
			h.child.Process.Kill()
			<-h.exited
			err = errors.New("the dialer did not exit; killed")
		}
	}
	h.l.Close()
	return err
}
