package main

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/anyevent-go/anyevent/bench/server"
	"github.com/anyevent-go/anyevent/internal/nginx"
)

// peer is the server every client of a run loads.
type peer struct {
	name    string // for the report
	url     string // what the clients GET
	bodyLen int    // the body length every response must have
	pid     int    // the server's process (nginx, one thread), 0 when in this one
	stop    func()
}

// startPeer starts the server of kind "nginx", "evio" or "auto" (nginx
// when installed, else evio).
func startPeer(kind string) (*peer, error) {
	bin := nginx.Path()
	switch {
	case kind == "nginx" && bin == "":
		return nil, errors.New("-server nginx: nginx is not installed (Debian: nginx-light)")
	case kind == "evio" || bin == "":
		return startEvio()
	}
	return startNginx(bin)
}

// startEvio runs the evio server of bench/server in this process, on a
// goroutine of its own. evio cannot be stopped: it serves until the
// process ends.
func startEvio() (*peer, error) {
	ready := make(chan net.Addr, 1)
	failed := make(chan error, 1)
	go func() {
		failed <- server.Serve("127.0.0.1:0", server.HTTP, func(a net.Addr) { ready <- a })
	}()
	select {
	case a := <-ready:
		return &peer{
			name: "evio (bench/server, one loop)",
			url:  "http://" + a.String() + "/hello", bodyLen: len(server.Body), stop: func() {},
		}, nil
	case err := <-failed:
		return nil, fmt.Errorf("evio server: %w", err)
	case <-time.After(5 * time.Second):
		return nil, errors.New("evio server did not start")
	}
}
