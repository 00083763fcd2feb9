package main

import (
	"fmt"
	"os"

	"github.com/anyevent-go/anyevent/bench/server"
	"github.com/anyevent-go/anyevent/internal/nginx"
)

// httpBlock is the benchmark's nginx (internal/nginx adds the rest: one
// process that is its own worker, so that on a 2-core machine the server
// has CPU 1 and the client under test CPU 0 to itself; no access log):
// keep-alive without a request limit, and /hello answers with the 12-byte
// body from the configuration (PERFORMANCE.md's method: return 200
// "hello world\n"), no file.
func httpBlock(_ string, port int) string {
	return fmt.Sprintf(`	keepalive_requests 1000000000;
	keepalive_timeout 300s;
	default_type text/plain;
	server {
		listen 127.0.0.1:%d backlog=4096;
		location = /hello { return 200 "%s"; }
	}`, port, nginx.Quote(server.Body))
}

// startNginx runs nginx in a temporary directory, answering /hello with
// server.Body on a free loopback port. It inherits the caller's CPU
// affinity.
func startNginx(bin string) (*peer, error) {
	dir, err := os.MkdirTemp("", "httpbench-nginx-")
	if err != nil {
		return nil, err
	}
	s, err := nginx.Start(bin, dir, httpBlock)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &peer{
		name: nginx.Version(bin) + " (one worker process, return 200)",
		url:  "http://" + s.Addr + "/hello", bodyLen: len(server.Body), pid: s.Pid(),
		stop: func() { s.Stop(); os.RemoveAll(dir) },
	}, nil
}
