package sys

import "golang.org/x/sys/unix"

// MaxWritev is IOV_MAX on Linux and the BSDs: writev takes no more slices.
const MaxWritev = 1024

// Iovecs is the reusable argument array of [Iovecs.Writev]. The zero
// value is ready; it belongs to one goroutine.
type Iovecs struct {
	v []unix.Iovec
}
