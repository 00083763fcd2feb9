package socket_test

import (
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/anyevent-go/anyevent/loop"
	"github.com/anyevent-go/anyevent/socket"
	"golang.org/x/sys/unix"
)

// A server that greets every client, and a client that connects to it
// with a 5-second connect timeout set by the prepare callback, as in
// AnyEvent.
func ExampleTCPConnect() {
	l, _ := loop.New()
	defer l.Close()
	srv, err := socket.TCPServer(l, "127.0.0.1", "0", func(fd int, peer netip.AddrPort) {
		unix.Write(fd, []byte("hello\n"))
		unix.Close(fd)
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	port := strconv.Itoa(int(srv.Addr().Port()))
	socket.TCPConnect(l, "localhost", port, func(fd int, peer netip.AddrPort, err error) {
		if err != nil {
			fmt.Println("connect failed:", loop.ErrorText(err))
			l.Stop()
			return
		}
		h, _ := loop.NewHandle(l, fd, nil)
		h.PushRead(loop.ReadLine(func(h *loop.Handle, line, _ []byte) {
			fmt.Printf("%s from %s\n", line, peer.Addr())
			h.Destroy()
			l.Stop()
		}))
	}, func(fd int) time.Duration { return 5 * time.Second })
	l.Run()
	// Output: hello from 127.0.0.1
}

func ExampleParseHostPort() {
	for _, s := range []string{"localhost:443", "[::1]", "::1 80", "www.x.de:https=443", "host:a:b"} {
		host, service, ok := socket.ParseHostPort(s, "80")
		fmt.Printf("%q -> %q %q %v\n", s, host, service, ok)
	}
	// Output:
	// "localhost:443" -> "localhost" "443" true
	// "[::1]" -> "::1" "80" true
	// "::1 80" -> "::1" "80" true
	// "www.x.de:https=443" -> "www.x.de" "https=443" true
	// "host:a:b" -> "" "" false
}
