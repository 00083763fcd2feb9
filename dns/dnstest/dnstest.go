// Package dnstest starts a real DNS server, dnsmasq, for tests: on
// 127.0.0.1 at a free port, with no upstream servers and no system files,
// answering only from the records the test gives it. The server is killed
// when the test ends.
//
// When dnsmasq is not installed the test is skipped, except when the
// environment variable CI is "true": there a missing peer is a failure
// (the Debian package is dnsmasq-base).
package dnstest

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// startTimeout bounds how long Start waits for dnsmasq to answer.
const startTimeout = 10 * time.Second

// Server is a running dnsmasq.
type Server struct {
	// Addr is where it listens, over UDP and TCP.
	Addr netip.AddrPort
	cmd  *exec.Cmd
	log  *syncBuffer
}

// Path returns the dnsmasq executable, or fails or skips t (see the
// package documentation).
func Path(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"dnsmasq", "/usr/sbin/dnsmasq", "/usr/local/sbin/dnsmasq"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("dnstest: dnsmasq is not installed (apt-get install dnsmasq-base); it is required in CI")
	}
	t.Skip("dnstest: dnsmasq is not installed (apt-get install dnsmasq-base); skipping")
	return ""
}

// Start runs dnsmasq with the given extra options (such as
// "--host-record=www.test,10.1.2.3" or "--txt-record=t.test,hi") and with
// hosts, if not empty, as an additional hosts file. Every name under the
// domain "test" that has no record gets NXDOMAIN.
func Start(t testing.TB, hosts string, options ...string) *Server {
	t.Helper()
	path := Path(t)
	dir := t.TempDir()
	hostsFile := filepath.Join(dir, "hosts")
	if err := os.WriteFile(hostsFile, []byte(hosts), 0o644); err != nil {
		t.Fatal(err)
	}
	var lastErr error
	for range 5 {
		s, err := start(t, path, dir, hostsFile, options)
		if err == nil {
			return s
		}
		lastErr = err
	}
	t.Fatalf("dnstest: dnsmasq did not start: %v", lastErr)
	return nil
}

func start(t testing.TB, path, dir, hostsFile string, options []string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args := []string{
		"--keep-in-foreground", "--conf-file=/dev/null", "--log-facility=-",
		"--no-resolv", "--no-hosts", "--no-poll", "--bind-interfaces",
		"--listen-address=127.0.0.1", "--port=" + strconv.Itoa(port),
		"--pid-file=" + filepath.Join(dir, "pid"),
		"--addn-hosts=" + hostsFile, "--local=/test/", "--cache-size=0",
	}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	s := &Server{Addr: netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(port)), log: &syncBuffer{}}
	s.cmd = exec.Command(path, append(args, options...)...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() { s.cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-exited
	})
	if err := s.waitReady(exited); err != nil {
		s.cmd.Process.Kill()
		return nil, err
	}
	return s, nil
}

// waitReady polls the server with a query until it answers.
func (s *Server) waitReady(exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	probe := []byte{0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1}
	for ctx.Err() == nil {
		select {
		case <-exited:
			return errors.New("dnsmasq exited: " + s.log.String())
		default:
		}
		c, err := net.Dial("udp", s.Addr.String())
		if err == nil {
			c.SetDeadline(time.Now().Add(100 * time.Millisecond))
			c.Write(probe)
			buf := make([]byte, 512)
			n, err := c.Read(buf)
			c.Close()
			if err == nil && n >= 2 && buf[0] == 0x12 && buf[1] == 0x34 {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return errors.New("dnsmasq did not answer in time: " + s.log.String())
}

// Log returns what dnsmasq printed so far.
func (s *Server) Log() string { return s.log.String() }

// freePort returns a port that is free on 127.0.0.1 for both UDP and TCP
// at the moment of the call.
func freePort() (int, error) {
	for range 20 {
		u, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := u.LocalAddr().(*net.UDPAddr).Port
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		u.Close()
		if err == nil {
			l.Close()
			return port, nil
		}
	}
	return 0, errors.New("dnstest: no free port")
}

// syncBuffer is a bytes.Buffer safe for the writer goroutines of exec.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
