package main

import (
	"bufio"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// dialMain runs the client side in the child: plain non-blocking sockets,
// connect(2) and nothing else, no goroutine per connection and no reads.
// Each line of standard input is an allowance, the total number of
// connections it may have opened by now; it opens up to it, round-robin
// over addrs, and reports "opened <k>". The end of input closes every
// socket and ends the child.
func dialMain(addrList string, n int) int {
	addrs, err := parseAddrs(addrList)
	if err != nil {
		fmt.Println("error", err)
		return 2
	}
	fds := make([]int, 0, n)
	defer func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}()
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		allowed, err := strconv.Atoi(sc.Text())
		if err != nil {
			fmt.Println("error bad allowance", sc.Text())
			return 2
		}
		for len(fds) < min(allowed, n) {
			fd, err := dialOne(addrs[len(fds)%len(addrs)])
			if err != nil {
				fmt.Printf("error after %d connections: %v\n", len(fds), err)
				return 1
			}
			fds = append(fds, fd)
		}
		fmt.Println("opened", len(fds))
	}
	return 0
}

func parseAddrs(list string) ([]netip.AddrPort, error) {
	var addrs []netip.AddrPort
	for _, s := range strings.Split(list, ",") {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return nil, err
		}
		addrs = append(addrs, ap)
	}
	return addrs, nil
}

// dialOne starts a non-blocking connect to ap; on loopback the handshake
// completes without the child's help.
func dialOne(ap netip.AddrPort) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("socket: %w", err)
	}
	sa := &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}
	if err := unix.Connect(fd, sa); err != nil && err != unix.EINPROGRESS {
		unix.Close(fd)
		return -1, fmt.Errorf("connect %v: %w", ap, err)
	}
	return fd, nil
}
