package testserver

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Script handles one accepted connection.
type Script func(c *Conn)

// Server is a scripted TCP server on a loopback address.
type Server struct {
	ln       net.Listener
	script   Script
	accepted atomic.Int32
	mu       sync.Mutex
	requests []string
	conns    []net.Conn
	wg       sync.WaitGroup
	closed   chan struct{}
}

// Start listens on network ("tcp4" or "tcp6") at the loopback address and
// runs script for each connection.
func Start(network string, script Script) (*Server, error) {
	addr := "127.0.0.1:0"
	if network == "tcp6" {
		addr = "[::1]:0"
	}
	ln, err := net.Listen(network, addr)
	if err != nil {
		return nil, err
	}
	s := &Server{ln: ln, script: script, closed: make(chan struct{})}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

// Port returns the listening port.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// URL returns "http://127.0.0.1:port" + path (or [::1] for tcp6).
func (s *Server) URL(path string) string {
	return "http://" + s.ln.Addr().String() + path
}

// Accepted returns the number of connections accepted so far.
func (s *Server) Accepted() int { return int(s.accepted.Load()) }

// Requests returns the exact bytes of every request read so far, in order.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// Close stops accepting, closes every connection and waits for the
// scripts to return.
func (s *Server) Close() {
	select {
	case <-s.closed:
		return
	default:
	}
	close(s.closed)
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.accepted.Add(1)
		s.mu.Lock()
		s.conns = append(s.conns, nc)
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer nc.Close()
			s.script(&Conn{nc: nc, r: bufio.NewReader(nc), s: s, N: s.Accepted()})
		}()
	}
}

// Conn is one accepted connection as seen by a script.
type Conn struct {
	nc net.Conn
	r  *bufio.Reader
	s  *Server
	// N is the connection's accept number, from 1.
	N int
}

// ReadRequest reads one request: the head up to the empty line and a body
// of its Content-Length, and returns the exact bytes (also recorded in
// Server.Requests). It fails at end-of-file or after 10 s.
func (c *Conn) ReadRequest() (string, error) {
	var buf bytes.Buffer
	n, err := c.readHead(&buf)
	if err != nil {
		return buf.String(), err
	}
	if n > 0 {
		body := make([]byte, n)
		if _, err := io.ReadFull(c.r, body); err != nil {
			return buf.String(), err
		}
		buf.Write(body)
	}
	return c.record(buf.String()), nil
}

// ReadHead reads a request head up to the empty line, leaving any body
// unread, and returns (and records) the exact bytes.
func (c *Conn) ReadHead() (string, error) {
	var buf bytes.Buffer
	if _, err := c.readHead(&buf); err != nil {
		return buf.String(), err
	}
	return c.record(buf.String()), nil
}

// readHead reads a head into buf and returns its Content-Length, -1 if
// none.
func (c *Conn) readHead(buf *bytes.Buffer) (int, error) {
	c.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	n := -1
	for {
		line, err := c.r.ReadString('\n')
		buf.WriteString(line)
		if err != nil {
			return n, err
		}
		if line == "\r\n" || line == "\n" {
			return n, nil
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "content-length") {
			n, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
}

// record adds req to Server.Requests and returns it.
func (c *Conn) record(req string) string {
	c.s.mu.Lock()
	c.s.requests = append(c.s.requests, req)
	c.s.mu.Unlock()
	return req
}

// Write writes s; errors are ignored (the client may have gone).
func (c *Conn) Write(s string) { c.nc.Write([]byte(s)) }

// Pause sleeps for d, or less if the server is closed.
func (c *Conn) Pause(d time.Duration) {
	select {
	case <-time.After(d):
	case <-c.s.closed:
	}
}

// CloseWrite half-closes the connection (the client sees end-of-file).
func (c *Conn) CloseWrite() { c.nc.(*net.TCPConn).CloseWrite() }

// Reset closes the connection with an RST (SO_LINGER 0).
func (c *Conn) Reset() {
	tc := c.nc.(*net.TCPConn)
	tc.SetLinger(0)
	tc.Close()
}

// Stall keeps the connection open without answering until the client
// closes it or the server is closed.
func (c *Conn) Stall() {
	c.nc.SetReadDeadline(time.Time{})
	go func() { <-c.s.closed; c.nc.Close() }()
	io.Copy(io.Discard, c.nc)
}

// WaitEOF waits up to d for the client to close the connection and
// reports whether it did, reading and discarding anything it sends.
func (c *Conn) WaitEOF(d time.Duration) bool {
	c.nc.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c.r)
	var ne net.Error
	return err == nil || !(errors.As(err, &ne) && ne.Timeout())
}

// Serve answers every request on the connection with resp until the
// client closes it.
func (c *Conn) Serve(resp string) {
	for {
		if _, err := c.ReadRequest(); err != nil {
			return
		}
		c.Write(resp)
	}
}
