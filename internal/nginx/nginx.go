package nginx

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
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
	Addr string // "127.0.0.1:port"
	Dir  string // its prefix directory
	cmd  *exec.Cmd
}

// Start runs bin with the prefix directory dir, which must exist, and
// the configuration made of the common part and the http block that
// httpBlock returns for dir and a free loopback port (it must listen on
// 127.0.0.1 at that port). Start returns once the port accepts
// connections; nginx dies with the calling process.
func Start(bin, dir string, httpBlock func(dir string, port int) string) (*Server, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "nginx.conf")
	text := fmt.Sprintf(common, dir, httpBlock(dir, port))
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-p", dir, "-c", conf)
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{Addr: fmt.Sprintf("127.0.0.1:%d", port), Dir: dir, cmd: cmd}
	if err := waitListening(s.Addr); err != nil {
		s.Stop()
		log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		return nil, fmt.Errorf("nginx did not start: %v: %s", err, log)
	}
	return s, nil
}

// Pid returns nginx's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Stop kills nginx and waits for it.
func (s *Server) Stop() {
	s.cmd.Process.Kill()
	s.cmd.Wait()
}

// common is the configuration but for the http block (%[2]s); %[1]s is
// the prefix directory. The temporary paths of every module nginx may
// have been built with point into it, so nothing is written elsewhere.
const common = `daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path %[1]s/tmp;
	proxy_temp_path %[1]s/tmp;
	fastcgi_temp_path %[1]s/tmp;
	uwsgi_temp_path %[1]s/tmp;
	scgi_temp_path %[1]s/tmp;
%[2]s
}
`

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitListening waits until addr accepts connections, for up to 5 s.
func waitListening(addr string) error {
	var err error
	for range 500 {
		var c net.Conn
		if c, err = net.Dial("tcp4", addr); err == nil {
			return c.Close()
		}
		time.Sleep(10 * time.Millisecond)
	}
	return err
}
