//go:build !linux

package sys

import "errors"

// Batch is io_uring's batching of recv and send calls, which only Linux
// has; see batch_linux.go. Elsewhere NewBatch fails and callers make the
// calls one by one.
type Batch struct{}

// NewBatch fails: there is no io_uring.
func NewBatch(entries uint32) (*Batch, error) { return nil, errors.ErrUnsupported }

// Cap is 0.
func (b *Batch) Cap() int { return 0 }

// Recv is never called: NewBatch fails.
func (b *Batch) Recv(fd int, p []byte) { panic("sys: no Batch here") }

// Send is never called: NewBatch fails.
func (b *Batch) Send(fd int, p []byte) { panic("sys: no Batch here") }

// Submit is never called: NewBatch fails.
func (b *Batch) Submit(res []int32) (int, error) { return 0, errors.ErrUnsupported }

// Close does nothing.
func (b *Batch) Close() error { return nil }
