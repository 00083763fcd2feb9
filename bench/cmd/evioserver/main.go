// Command evioserver runs the benchmark peer of package server: an evio
// HTTP/1.1 server answering "hello world\n", or an echo server.
//
//	evioserver [-addr 127.0.0.1:8080] [-mode http|echo]
package main

import (
	"flag"
	"fmt"
	"net"
	"os"

	"github.com/anyevent-go/anyevent/bench/server"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address (loopback)")
	mode := flag.String("mode", "http", "http or echo")
	flag.Parse()
	m := server.HTTP
	switch *mode {
	case "http":
	case "echo":
		m = server.Echo
	default:
		fmt.Fprintln(os.Stderr, "evioserver: -mode must be http or echo")
		os.Exit(2)
	}
	err := server.Serve(*addr, m, func(a net.Addr) { fmt.Println("listening on", a) })
	if err != nil {
		fmt.Fprintln(os.Stderr, "evioserver:", err)
		os.Exit(1)
	}
}
