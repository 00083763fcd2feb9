package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// straceCount is one line of an strace -c summary.
type straceCount struct {
	name          string
	calls, errors uint64
}

// parseStrace reads the table of strace -c (strace 5 and later): "% time
// seconds usecs/call calls errors syscall", the errors column empty when
// there were none, and a last line named "total".
func parseStrace(text string) (counts []straceCount, total straceCount) {
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || strings.HasPrefix(f[0], "%") || strings.HasPrefix(f[0], "-") {
			continue
		}
		c := straceCount{name: f[len(f)-1]}
		var err error
		if c.calls, err = strconv.ParseUint(f[3], 10, 64); err != nil {
			continue
		}
		if len(f) == 6 {
			c.errors, _ = strconv.ParseUint(f[4], 10, 64)
		}
		if c.name == "total" {
			total = c
			continue
		}
		counts = append(counts, c)
	}
	sort.Slice(counts, func(i, j int) bool { return counts[i].calls > counts[j].calls })
	return counts, total
}

// straceSummary turns the strace -c file of a child into system calls per
// message, counted over the child's whole life (setup and warm-up
// included, which the messages count covers too).
func straceSummary(path string, msgs uint64) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "strace: " + err.Error()
	}
	counts, total := parseStrace(string(data))
	if msgs == 0 || total.calls == 0 {
		return "strace: no summary in " + path
	}
	m := float64(msgs)
	var b strings.Builder
	fmt.Fprintf(&b, "%.3f/msg:", float64(total.calls)/m)
	for i, c := range counts {
		if i == 5 {
			break
		}
		fmt.Fprintf(&b, " %s %.3f", c.name, float64(c.calls)/m)
		if c.errors > 0 {
			fmt.Fprintf(&b, " (%.3f failed)", float64(c.errors)/m)
		}
	}
	return b.String()
}
