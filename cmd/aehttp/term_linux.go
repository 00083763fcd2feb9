package main

import "golang.org/x/sys/unix"

// fdIsTerminal reports whether fd is a terminal: TCGETS succeeds only on
// one (what isatty does).
func fdIsTerminal(fd int) bool {
	_, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	return err == nil
}
