package measure

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestStatusField(t *testing.T) {
	status := "Name:\tx\nVmPeak:\t  2048 kB\nVmRSS:\t  1536 kB\nThreads:\t4\n"
	tests := []struct {
		name, field string
		want        int64
		wantErr     bool
	}{
		{"rss", "VmRSS", 1536 * 1024, false},
		{"peak", "VmPeak", 2048 * 1024, false},
		{"missing", "VmHWM", 0, true},
		{"no unit", "Threads", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := StatusField(strings.NewReader(status), tt.field)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("StatusField(%s) = %d, %v; want %d, error %v", tt.field, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestSelfFigures(t *testing.T) {
	rss, err := RSS()
	if err != nil || rss <= 0 {
		t.Fatalf("RSS = %d, %v", rss, err)
	}
	u, err := SelfUsage()
	if err != nil || u.Total() <= 0 {
		t.Fatalf("SelfUsage = %+v, %v", u, err)
	}
	if h := CollectedHeap(); h.HeapInuse == 0 || h.Goroutines < 1 {
		t.Fatalf("CollectedHeap = %+v", h)
	}
	// A system call costs tens of nanoseconds on a bare machine and a
	// few microseconds on the slowest guests; 0 or milliseconds mean the
	// timing is broken.
	if d := NullSyscall(); d <= 0 || d > 100*time.Microsecond {
		t.Fatalf("NullSyscall = %v", d)
	}
}

func TestRaiseNoFileKeepsHigherLimit(t *testing.T) {
	got, err := RaiseNoFile(16)
	if err != nil || got < 16 {
		t.Fatalf("RaiseNoFile(16) = %d, %v", got, err)
	}
}

func TestSelfSyscallsCountsReads(t *testing.T) {
	before, err := SelfSyscalls()
	if err != nil {
		t.Skip("no /proc/self/io:", err)
	}
	after, err := SelfSyscalls() // reading the file is itself a read(2)
	if err != nil || after.Reads <= before.Reads {
		t.Fatalf("SelfSyscalls: %+v then %+v, %v", before, after, err)
	}
}

// A sleep of the process's main thread shows in its voluntary switches;
// a process that does not exist is an error.
func TestVoluntarySwitches(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 0.05; sleep 0.05; sleep 5")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	first, err := VoluntarySwitches(cmd.Process.Pid)
	if err != nil || first < 0 {
		t.Fatalf("VoluntarySwitches = %d, %v", first, err)
	}
	time.Sleep(300 * time.Millisecond) // sh waits for each sleep: it sleeps too
	if n, err := VoluntarySwitches(cmd.Process.Pid); err != nil || n <= first {
		t.Errorf("after the shell slept: %d (was %d), %v", n, first, err)
	}
	if _, err := VoluntarySwitches(1 << 30); err == nil {
		t.Error("no error for a process that does not exist")
	}
}
