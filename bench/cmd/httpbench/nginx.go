package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/anyevent-go/anyevent/bench/server"
)

// nginxConf is the benchmark's nginx: one process that is its own worker
// (master_process off), so that on a 2-core machine the server has CPU 1
// and the client under test CPU 0 to itself (a second worker would share
// the client's core); no access log; keep-alive without a request limit;
// /hello answers with the 12-byte body from the configuration
// (PERFORMANCE.md's method: return 200 "hello world\n"), no file.
const nginxConf = `daemon off;
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
	keepalive_requests 1000000000;
	keepalive_timeout 300s;
	default_type text/plain;
	server {
		listen 127.0.0.1:%[2]d backlog=4096;
		location = /hello { return 200 "%[3]s"; }
	}
}
`

// nginxPath returns the nginx program, or "" when it is not installed.
func nginxPath() string {
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	return ""
}

// startNginx runs nginx with its own configuration in a temporary
// directory, answering /hello with server.Body on a free loopback port.
// It inherits the caller's CPU affinity.
func startNginx(bin string) (*peer, error) {
	dir, err := os.MkdirTemp("", "httpbench-nginx-")
	if err != nil {
		return nil, err
	}
	p, err := startNginxIn(bin, dir)
	if err != nil {
		os.RemoveAll(dir)
	}
	return p, err
}

func startNginxIn(bin, dir string) (*peer, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(nginxConf, dir, port, nginxQuote(server.Body))), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-p", dir, "-c", conf)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop := func() {
		cmd.Process.Kill()
		cmd.Wait()
		os.RemoveAll(dir)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	if err := waitListening(addr); err != nil {
		stop()
		log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		return nil, fmt.Errorf("nginx did not start: %v: %s", err, log)
	}
	return &peer{
		name: nginxVersion(bin) + " (one worker process, return 200)",
		url:  "http://" + addr + "/hello", bodyLen: len(server.Body), stop: stop,
	}, nil
}

// nginxQuote escapes s for a double-quoted nginx configuration string.
func nginxQuote(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s)
}

// nginxVersion returns "nginx/1.x.y", from nginx -v.
func nginxVersion(bin string) string {
	out, _ := exec.Command(bin, "-v").CombinedOutput()
	if _, v, ok := strings.Cut(strings.TrimSpace(string(out)), "version: "); ok {
		return v
	}
	return "nginx"
}

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
