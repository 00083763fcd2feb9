package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/anyevent-go/anyevent/loop"
)

// progressEvery is the least time between two redraws of the bar.
const progressEvery = 100 * time.Millisecond

// isTerminal reports whether w is a terminal (the progress bar is drawn
// only then).
func isTerminal(w io.Writer) bool {
	if isTerminalHook != nil {
		return isTerminalHook(w)
	}
	f, ok := w.(*os.File)
	return ok && fdIsTerminal(int(f.Fd()))
}

// isTerminalHook, when set by a test, replaces the check.
var isTerminalHook func(w any) bool

// progress draws one line on stderr for all -o downloads of the run: the
// bytes on disk against the expected total, redrawn with "\r" at most
// every progressEvery, ended with a newline by finish.
type progress struct {
	w     io.Writer
	l     *loop.Loop
	dls   []*download
	last  time.Time // of the last draw
	drawn bool      // the bar is on the current line
	width int       // of the bar as last drawn
}

func newProgress(w io.Writer) *progress { return &progress{w: w} }

func (p *progress) add(d *download, l *loop.Loop) {
	p.dls, p.l = append(p.dls, d), l
}

// update redraws the bar if progressEvery passed since the last draw, or
// always with force.
func (p *progress) update(force bool) {
	now := p.l.Now()
	if !force && p.drawn && now.Sub(p.last) < progressEvery {
		return
	}
	p.last, p.drawn = now, true
	var done, total int64
	for _, d := range p.dls {
		done += d.offset + d.written
		if d.total < 0 || total < 0 {
			total = -1
			continue
		}
		total += d.total
	}
	bar := renderBar(done, total, 30)
	pad := strings.Repeat(" ", max(p.width-len(bar), 0)) // over a longer last draw
	p.width = len(bar)
	fmt.Fprint(p.w, "\r"+bar+pad)
}

// Write writes a message on the bar's line, rubbing the bar out first; the
// next update draws it again below the message.
func (p *progress) Write(b []byte) (int, error) {
	if p.drawn {
		fmt.Fprint(p.w, "\r"+strings.Repeat(" ", p.width)+"\r")
		p.drawn, p.width = false, 0
	}
	return p.w.Write(b)
}

// finish ends the bar's line.
func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn, p.width = false, 0
	}
}

// renderBar draws "  42% [============>                 ] 1.2 MiB / 2.9 MiB"
// for a known total, "[<=>] 1.2 MiB" for an unknown one.
func renderBar(done, total int64, width int) string {
	if total <= 0 {
		return fmt.Sprintf("[%s] %s", strings.Repeat("=", min(int(done>>16), width)), size(done))
	}
	done = min(done, total)
	fill := int(int64(width) * done / total)
	bar := strings.Repeat("=", fill)
	if fill < width {
		bar += ">" + strings.Repeat(" ", width-fill-1)
	}
	return fmt.Sprintf("%3d%% [%s] %s / %s", 100*done/total, bar, size(done), size(total))
}

// size formats a byte count with binary units.
func size(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, u := float64(n)/unit, 0
	for v >= unit && u < 3 {
		v /= unit
		u++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGT"[u])
}
