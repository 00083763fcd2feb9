//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package main

import "golang.org/x/sys/unix"

// fdIsTerminal reports whether fd is a terminal: TIOCGETA succeeds only
// on one (what isatty does).
func fdIsTerminal(fd int) bool {
	_, err := unix.IoctlGetTermios(fd, unix.TIOCGETA)
	return err == nil
}
