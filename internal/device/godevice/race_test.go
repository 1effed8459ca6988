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
	Sink   []int
}

func (k *Racy) Kernel(it kernel.Item) {
	// Work long enough that the launching goroutine cannot run every chunk itself before a pool
	// worker takes one, even on a loaded machine: a race needs two goroutines.
	x := it.GlobalID(0)
	for range 4000 {
		x = x*1664525 + 1013904223
	}
	k.Sink[it.GlobalID(0)] = x
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
	const n = 4096
	k := &Racy{Atomic: mode == "atomic", N: make([]int64, 1), Sink: make([]int, n)}
	if err := geobacter.Launch(context.Background(), dev, geobacter.Grid1(n).WithGroup(64), k); err != nil {
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
