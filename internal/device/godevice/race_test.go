//go:build race

package godevice_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/kernel"
)

// Racy counts work-items with a plain increment (a data race between work-items) or, with
// Atomic, with sync/atomic (no race).
type Racy struct {
	Atomic bool
	N      []int64
}

func (k *Racy) Kernel(it kernel.Item) {
	if k.Atomic {
		atomic.AddInt64(&k.N[0], 1)
		return
	}
	k.N[0]++ // racy line
}

// raceChild runs the kernel in a child process started by TestRaceDetected, and returns the
// exit code; the race detector makes it 66 when it reports a race.
func raceChild(mode string) int {
	dev, err := geobacter.Open(context.Background(), "go")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	k := &Racy{Atomic: mode == "atomic", N: make([]int64, 1)}
	if err := geobacter.Launch(context.Background(), dev, geobacter.Grid1(1<<16).WithGroup(64), k); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestRaceDetected checks that the race detector reports a data race between work-items of a
// kernel on the go device, and reports none for the same kernel using atomics.
func TestRaceDetected(t *testing.T) {
	for _, mode := range []string{"racy", "atomic"} {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "GEOBACTER_RACE_CHILD="+mode, "GOMAXPROCS=4")
		out, err := cmd.CombinedOutput()
		report := strings.Contains(string(out), "WARNING: DATA RACE")
		switch mode {
		case "racy":
			if err == nil || !report || !strings.Contains(string(out), "race_test.go") {
				t.Errorf("racy kernel: exit %v, want a data race report naming race_test.go:\n%s", err, out)
			}
		case "atomic":
			if err != nil || report {
				t.Errorf("atomic kernel: exit %v, want no race report:\n%s", err, out)
			}
		}
	}
}
