//go:build !linux

package nginx

import "os/exec"

// dieWithParent does nothing where there is no parent-death signal: the
// caller's Stop (or test cleanup) ends nginx.
func dieWithParent(*exec.Cmd) {}
