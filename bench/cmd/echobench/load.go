package main

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/sys/unix"
)

// msgSize is the size of each ping-pong message.
const msgSize = 64

// connectTimeout bounds the setup of the generator's connections.
const connectTimeout = 10 * time.Second

// generator is the load generator: one loop.Loop driving every client
// connection with a raw IO watcher. Each connection keeps one message in
// flight: it writes 64 bytes, reads the echo, and writes the next. A
// connection that got its whole echo clears read readiness itself, since
// the server sends nothing else, so the generator makes one write and one
// read per message.
type generator struct {
	l        *loop.Loop
	conns    []*genConn
	msg      [msgSize]byte
	buf      [4096]byte
	perConn  int  // messages each connection sends in this phase
	stopping bool // the time cap passed: send no more
	active   int  // connections with a message in flight
	total    uint64
	err      error
}

type genConn struct {
	g       *generator
	fd      int
	w       *loop.IO
	sent    int
	pending int // bytes of the echo still to come
}

// newGenerator connects n clients to addr.
func newGenerator(addr netip.AddrPort, n int) (*generator, error) {
	l, err := loop.New()
	if err != nil {
		return nil, err
	}
	g := &generator{l: l}
	for i := range g.msg {
		g.msg[i] = 'a' + byte(i%26)
	}
	if err := g.connect(addr, n); err != nil {
		g.close()
		return nil, err
	}
	return g, nil
}

// connect opens n connections with loop.Connect and waits for them all.
func (g *generator) connect(addr netip.AddrPort, n int) error {
	opts := &loop.ConnectOptions{Timeout: connectTimeout}
	for range n {
		g.l.Connect(addr, opts, g.connected)
	}
	deadline := time.Now().Add(connectTimeout + time.Second)
	for len(g.conns) < n && g.err == nil {
		if time.Now().After(deadline) {
			return fmt.Errorf("connected %d of %d clients in %v", len(g.conns), n, connectTimeout)
		}
		if err := g.l.RunOnce(true); err != nil {
			return err
		}
	}
	return g.err
}

func (g *generator) connected(fd int, err error) {
	if err != nil {
		g.fail(err)
		return
	}
	c := &genConn{g: g, fd: fd}
	g.conns = append(g.conns, c)
	if err := unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1); err != nil {
		g.fail(err)
		return
	}
	c.w, err = g.l.IO(fd, loop.Read, c.onRead)
	if err != nil {
		g.fail(err)
	}
}

func (g *generator) fail(err error) {
	if g.err == nil {
		g.err = err
	}
}

// run makes every connection send perConn messages, or fewer if the time
// limit passes first (each then finishes the message in flight), and
// returns the number of echoes received and the time taken. A phase that
// has not finished maxWait after the limit fails.
func (g *generator) run(perConn int, limit, maxWait time.Duration) (uint64, time.Duration, error) {
	g.perConn, g.stopping, g.total, g.active = perConn, false, 0, len(g.conns)
	capT := g.l.Timer(limit, 0, func() { g.stopping = true })
	hardT := g.l.Timer(limit+maxWait, 0, func() {
		g.fail(fmt.Errorf("%d connections still waiting for an echo %v after the time limit", g.active, maxWait))
	})
	defer capT.Stop()
	defer hardT.Stop()
	start := time.Now()
	for _, c := range g.conns {
		c.sent = 0
		c.next()
	}
	for g.active > 0 && g.err == nil {
		if err := g.l.RunOnce(true); err != nil {
			return g.total, time.Since(start), err
		}
	}
	return g.total, time.Since(start), g.err
}

// next sends the next message, or retires the connection from the phase.
func (c *genConn) next() {
	g := c.g
	if c.sent >= g.perConn || g.stopping {
		g.active--
		return
	}
	n, err := unix.Write(c.fd, g.msg[:])
	if err != nil || n != msgSize {
		g.fail(fmt.Errorf("write: %d bytes, %v", n, err))
		return
	}
	c.sent++
	c.pending = msgSize
}

var errUnexpectedData = errors.New("the server sent more than it was sent")

func (c *genConn) onRead(loop.Events) {
	g := c.g
	for g.err == nil {
		n, err := c.w.Read(g.buf[:])
		switch {
		case err == unix.EAGAIN:
			return
		case err != nil:
			g.fail(fmt.Errorf("read: %w", err))
			return
		case n == 0:
			g.fail(errors.New("read: the server closed the connection"))
			return
		case n > c.pending:
			g.fail(errUnexpectedData)
			return
		}
		c.pending -= n
		if c.pending == 0 {
			// The whole echo is in and nothing else will come.
			c.w.ClearReady(loop.Read)
			g.total++
			c.next()
			return
		}
	}
}

// close closes every connection and the loop.
func (g *generator) close() {
	for _, c := range g.conns {
		if c.w != nil {
			c.w.Stop()
		}
		unix.Close(c.fd)
	}
	g.conns = nil
	g.l.Close()
}
