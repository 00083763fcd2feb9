//go:build dragonfly || freebsd || netbsd

package loop

import "golang.org/x/sys/unix"

// writevFd writes the slices of iov in order, one write(2) each, until one
// is short: golang.org/x/sys offers no writev on these systems, and without
// unsafe we cannot call it ourselves. Like writev it returns the bytes
// written, and an error only when it wrote nothing.
func writevFd(fd int, iov [][]byte) (int, error) {
	total := 0
	for _, p := range iov {
		n, err := unix.Write(fd, p)
		if err != nil {
			if total > 0 {
				return total, nil
			}
			return 0, err
		}
		total += n
		if n < len(p) {
			break
		}
	}
	return total, nil
}
