package nginx

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Path returns the nginx program, or "" when it is not installed.
func Path() string {
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	return ""
}

// Version returns "nginx/1.x.y" from nginx -v, or "nginx".
func Version(bin string) string {
	out, _ := exec.Command(bin, "-v").CombinedOutput()
	if _, v, ok := strings.Cut(strings.TrimSpace(string(out)), "version: "); ok {
		return v
	}
	return "nginx"
}

// Quote escapes s for a double-quoted string of the configuration.
func Quote(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s)
}

// Server is a running nginx.
type Server struct {
	Addr   string // "127.0.0.1:port"
	Dir    string // its prefix directory
	cmd    *exec.Cmd
	exited chan struct{} // closed when nginx has exited and been waited for
}

// startAttempts bounds the retries when the free port found for nginx is
// taken by someone else before nginx binds it.
const startAttempts = 3

// Start runs bin with the prefix directory dir, which must exist, and
// the configuration made of the common part and the http block that
// httpBlock returns for dir and a free loopback port (it must listen on
// 127.0.0.1 at that port, and quote dir with [Quote] where it uses it).
// Start returns once the port accepts connections; nginx dies with the
// calling process. When nginx exits while starting, Start returns its
// error log at once; a port lost to another process is retried.
func Start(bin, dir string, httpBlock func(dir string, port int) string) (*Server, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		return nil, err
	}
	var err error
	for range startAttempts {
		var s *Server
		var retry bool
		if s, retry, err = start(bin, dir, httpBlock); err == nil || !retry {
			return s, err
		}
	}
	return nil, err
}

// start makes one attempt; retry reports a failure that another port may
// cure (nginx could not bind its port).
func start(bin, dir string, httpBlock func(dir string, port int) string) (s *Server, retry bool, err error) {
	port, err := pickPort()
	if err != nil {
		return nil, false, err
	}
	conf := filepath.Join(dir, "nginx.conf")
	errLog := filepath.Join(dir, "error.log")
	os.Remove(errLog) // the log and pid file of a failed attempt
	os.Remove(filepath.Join(dir, "nginx.pid"))
	text := fmt.Sprintf(common, Quote(dir), httpBlock(dir, port))
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		return nil, false, err
	}
	cmd := exec.Command(bin, "-p", dir, "-c", conf)
	var stderr bytes.Buffer // what nginx says before its error log is open
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return nil, false, err
	}
	s = &Server{Addr: fmt.Sprintf("127.0.0.1:%d", port), Dir: dir, cmd: cmd, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitListening(5 * time.Second); err != nil {
		s.Stop()
		log, _ := os.ReadFile(errLog)
		log = append(append(log, '\n'), stderr.Bytes()...)
		return nil, bytes.Contains(log, []byte("Address already in use")),
			fmt.Errorf("nginx did not start: %v: %s", err, bytes.TrimSpace(log))
	}
	return s, false, nil
}

// Pid returns nginx's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Stop kills nginx and waits for it.
func (s *Server) Stop() {
	s.cmd.Process.Kill()
	<-s.exited
}

// common is the configuration but for the http block (%[2]s); %[1]s is
// the prefix directory, quoted. The temporary paths of every module nginx may
// have been built with point into it, so nothing is written elsewhere.
const common = `daemon off;
master_process off;
worker_processes 1;
pid "%[1]s/nginx.pid";
error_log "%[1]s/error.log";
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path "%[1]s/tmp";
	proxy_temp_path "%[1]s/tmp";
	fastcgi_temp_path "%[1]s/tmp";
	uwsgi_temp_path "%[1]s/tmp";
	scgi_temp_path "%[1]s/tmp";
%[2]s
}
`

// pickPort chooses nginx's port; tests replace it.
var pickPort = freePort

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitListening waits until nginx has bound its port and s.Addr accepts
// connections, for up to limit, and gives up at once when nginx exits.
// nginx writes its pid file after binding its sockets, so a process that
// took the port first is not mistaken for nginx.
func (s *Server) waitListening(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	pidFile := filepath.Join(s.Dir, "nginx.pid")
	want := strconv.Itoa(s.Pid())
	for {
		err := errors.New("no pid file yet")
		if b, _ := os.ReadFile(pidFile); strings.TrimSpace(string(b)) == want {
			var c net.Conn
			if c, err = net.DialTimeout("tcp4", s.Addr, time.Second); err == nil {
				return c.Close()
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("nginx exited (%v)", s.cmd.ProcessState)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return err
		}
	}
}
