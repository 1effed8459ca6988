package frontend_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/internal/frontend"
)

// fatalDir holds kernels that once made the frontend fail with a fatal error (a stack
// overflow), relative to the module root.
const fatalDir = "internal/frontend/testdata/fatal"

// fatalChildEnv makes the test binary compile the kernels of fatalDir, as the child process of
// TestNoFatalError.
const fatalChildEnv = "GEOBACTER_FRONTEND_FATAL_CHILD"

// TestNoFatalError compiles each kernel of fatalDir in a child process, so that a fatal error,
// which no recover catches, fails this test instead of killing the test binary. Compile may
// accept or reject each kernel; it must return.
func TestNoFatalError(t *testing.T) {
	if os.Getenv(fatalChildEnv) != "" {
		compileFatalCorpus(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoFatalError$", "-test.v")
	cmd.Env = append(os.Environ(), fatalChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		return
	}
	// The child names each kernel before compiling it: the last one named is the culprit. Of
	// the child's output, keep its messages and the frontend's frames of the stack.
	culprit := "loading the corpus"
	var keep []string
	lines := strings.Split(string(out), "\n")
	frames := 0
	for i, line := range lines {
		switch {
		case strings.HasPrefix(line, "compiling "):
			culprit = strings.TrimPrefix(line, "compiling ")
		case strings.Contains(line, "/internal/frontend.") && i+1 < len(lines) && frames < 8:
			keep = append(keep, line, lines[i+1])
			frames++
		case strings.HasPrefix(line, "fatal error:"), strings.HasPrefix(line, "panic:"), strings.HasPrefix(strings.TrimSpace(line), "fatal_test.go:"):
			keep = append(keep, line)
		}
	}
	t.Errorf("the frontend fails while compiling %s (%v):\n%s", culprit, err, strings.Join(keep, "\n"))
}

// compileFatalCorpus is the child's part: compile each kernel alone and say which, so that the
// parent can name the one that kills the process.
func compileFatalCorpus(t *testing.T) {
	prog, err := frontend.Load(context.Background(), frontend.Config{Dir: "../.."}, "./"+fatalDir)
	if err != nil {
		t.Fatal(err)
	}
	kernels := prog.Kernels()
	if len(kernels) == 0 {
		t.Fatal("no kernels")
	}
	for _, k := range kernels {
		fmt.Fprintf(os.Stdout, "compiling %s\n", k.Name)
		if p, err := compileRecover(prog, k); p != nil {
			t.Errorf("%s: Compile panics: %v", k.Name, p)
		} else if err != nil {
			t.Logf("%s: rejected: %v", k.Name, err)
		}
	}
}
