package toolchain

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Result is what one run of a tool produced.
type Result struct {
	// Output is the tool's output: IR text, an object file, assembly or a shared object.
	Output []byte
	// Command is the command line that produced it: the tool's path, then its arguments.
	Command []string
	// Stderr is what the tool printed on its standard error while succeeding (warnings, such as
	// a feature the target does not know); usually empty.
	Stderr string
	// Duration is the wall-clock time the tool took, from starting it to its exit.
	Duration time.Duration
}

// ToolError is the error of a tool that failed: it exited with a non-zero status, could not be
// started, or was killed because its context ended (then Err is the context's error, so
// errors.Is(err, context.Canceled) holds).
type ToolError struct {
	// Command is the command line that failed: the tool's path, then its arguments.
	Command []string
	// Stderr is what the tool printed on its standard error.
	Stderr string
	// Err is why it failed: an *exec.ExitError, the error starting it, or the context's error.
	Err error
}

// Error returns the command line, why it failed and the tool's standard error.
func (e *ToolError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "toolchain: %s: %v", quoteCommand(e.Command), e.Err)
	if s := strings.TrimSpace(e.Stderr); s != "" {
		b.WriteString(":\n")
		b.WriteString(s)
	}
	return b.String()
}

// Unwrap returns Err.
func (e *ToolError) Unwrap() error { return e.Err }

// maxStderr bounds how much of a tool's standard error is kept (a crashing LLVM tool prints a
// stack dump; its head says what went wrong).
const maxStderr = 64 << 10

// run runs the program path with args, stdin as its standard input, and returns its standard
// output. It kills the program when ctx ends.
func run(ctx context.Context, path string, args []string, stdin []byte) (Result, error) {
	res := Result{Command: append([]string{path}, args...)}
	if err := ctx.Err(); err != nil {
		return res, &ToolError{Command: res.Command, Err: err}
	}
	cmd := exec.CommandContext(ctx, path, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	// A killed tool's children could hold the pipes open; do not wait for them for long.
	cmd.WaitDelay = 2 * time.Second
	start := time.Now()
	err := cmd.Run()
	res.Duration = time.Since(start)
	errText := stderr.String()
	if len(errText) > maxStderr {
		errText = errText[:maxStderr] + "\n[…]"
	}
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			err = cerr
		}
		return res, &ToolError{Command: res.Command, Stderr: errText, Err: err}
	}
	res.Output = stdout.Bytes()
	res.Stderr = errText
	return res, nil
}

// quoteCommand returns the command line as a shell would take it, quoting the words that need it.
func quoteCommand(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		if w != "" && !strings.ContainsFunc(w, needsQuote) {
			q[i] = w
		} else {
			q[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		}
	}
	return strings.Join(q, " ")
}

// needsQuote reports whether r is special to a POSIX shell.
func needsQuote(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=,:+@%", r))
}
