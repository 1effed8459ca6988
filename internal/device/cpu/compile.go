package cpu

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/cache"
	"github.com/geobacter-go/geobacter/internal/irsource"
	"github.com/geobacter-go/geobacter/internal/toolchain"
)

// compile finds the IR of kernel variant v, compiles it to a shared object for the host and
// loads it.
func compile(ctx context.Context, v irsource.Variant) (*program, error) {
	tc, target, err := host(ctx)
	if err != nil {
		return nil, err
	}
	mod, f, err := irsource.Kernel(ctx, v.Type, v.Options())
	if err != nil {
		return nil, err
	}
	symbol := f.Name

	t := *llvm.X86_64
	t.GroupSize = v.Group
	out, err := llvm.EmitModule(mod, &t)
	if err != nil {
		return nil, err
	}
	var k *llvm.Kernel
	for _, x := range out.Kernels {
		if x.Name == symbol {
			k = x
		}
	}
	if k == nil {
		return nil, fmt.Errorf("geobacter: BUG: the LLVM backend emitted no entry point for %s", symbol)
	}
	text, usesMath := defineMath(out.Text)
	var linkFlags []string
	if usesMath {
		libm, err := findLibm()
		if err != nil {
			return nil, fmt.Errorf("kernel %s calls math functions: %w", symbol, err)
		}
		linkFlags = append(linkFlags, libm)
	}
	so, err := build(ctx, tc, target, text, linkFlags)
	if err != nil {
		return nil, fmt.Errorf("compiling %s: %w", symbol, err)
	}
	path, err := writeObject(k.Symbol, so)
	if err != nil {
		return nil, err
	}
	lib, run, err := load(path, k.Symbol+"_run")
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", symbol, err)
	}
	return &program{run: run, sharedSize: k.SharedSize, sharedAlign: k.SharedAlign, frameSize: k.FrameSize, sites: out.Sites, keep: lib}, nil
}

// toolchainRuns counts the shared objects built by running the toolchain (not taken from the disk
// cache), for tests.
var toolchainRuns atomic.Int64

// pipeline names how build turns LLVM IR into a shared object; change it when that changes
// without the toolchain's or Geobacter's version changing, so that old cache entries are not used.
const pipeline = "opt -O3; llc obj; ld.lld -shared"

// build returns the shared object of the LLVM IR text for target, linked with linkFlags: from the
// disk cache (internal/cache) when it holds it, else by running opt, llc and ld.lld and storing
// the result. A cache that cannot be opened or written is skipped: the build does not fail for it.
func build(ctx context.Context, tc *toolchain.Toolchain, target toolchain.Target, text string, linkFlags []string) ([]byte, error) {
	dc, _ := cache.Open() // nil, a disabled cache, when off or unusable
	var key string
	if dc != nil {
		k := cache.NewKey(Kind)
		k.Add("llvm", text)
		k.Add("target", target.String())
		k.Add("toolchain", tc.String())
		k.Add("compiler", cache.CompilerID())
		k.Add("pipeline", pipeline)
		k.Add("link", strings.Join(linkFlags, "\x00"))
		key = k.Sum()
		if so, ok := dc.Get(key); ok {
			return so, nil
		}
	}
	toolchainRuns.Add(1)
	opt, err := tc.Optimize(ctx, []byte(text), target, toolchain.OptimizeOptions{Level: "O3"})
	if err != nil {
		return nil, err
	}
	obj, err := tc.Compile(ctx, opt.Output, target, toolchain.Object)
	if err != nil {
		return nil, err
	}
	so, err := tc.LinkShared(ctx, obj.Output, linkFlags...)
	if err != nil {
		return nil, err
	}
	if dc != nil {
		dc.Put(key, so.Output) // best effort: a full disk costs the next process a compile
	}
	return so.Output, nil
}

// libmFuncs maps the backend's math intrinsics to the C library's names where they differ.
var libmFuncs = map[string]string{"mod": "fmod"}

// defineMath replaces the module's declarations of the backend's math functions (declare double
// @geobacter_NAME(...)) by definitions that call the C library's NAME, and reports whether there
// were any.
func defineMath(text string) (string, bool) {
	const prefix = "declare double @geobacter_"
	if !strings.Contains(text, prefix) {
		return text, false
	}
	lines := strings.Split(text, "\n")
	var b strings.Builder
	for _, line := range lines {
		rest, ok := strings.CutPrefix(line, prefix)
		if !ok {
			b.WriteString(line)
			b.WriteByte('\n')
			continue
		}
		// rest is "exp(double) #0" or "atan2(double, double) #0".
		name, params, _ := strings.Cut(rest, "(")
		params, attrs, _ := strings.Cut(params, ")")
		n := strings.Count(params, "double")
		c := name
		if x, ok := libmFuncs[name]; ok {
			c = x
		}
		var formal, actual []string
		for i := range n {
			formal = append(formal, fmt.Sprintf("double %%a%d", i))
			actual = append(actual, fmt.Sprintf("double %%a%d", i))
		}
		fmt.Fprintf(&b, "declare double @%s(%s)%s\n", c, params, attrs)
		fmt.Fprintf(&b, "define internal double @geobacter_%s(%s)%s {\n", name, strings.Join(formal, ", "), attrs)
		fmt.Fprintf(&b, "  %%r = tail call double @%s(%s)%s\n  ret double %%r\n}\n", c, strings.Join(actual, ", "), attrs)
	}
	return strings.TrimSuffix(b.String(), "\n"), true
}

// libmPaths are where the C math library is looked for.
var libmPaths = []string{
	"/lib/x86_64-linux-gnu/libm.so.6",
	"/usr/lib/x86_64-linux-gnu/libm.so.6",
	"/lib64/libm.so.6",
	"/usr/lib64/libm.so.6",
}

func findLibm() (string, error) {
	for _, p := range libmPaths {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("the C math library (libm.so.6) is not in any of %s", strings.Join(libmPaths, ", "))
}

var (
	dirOnce sync.Once
	dir     string
	dirErr  error
	serial  atomic.Int64
)

// writeObject writes a shared object into the process's private directory under a name no other
// object of the process has (dlopen takes an object with the same name for one already loaded).
func writeObject(symbol string, so []byte) (string, error) {
	dirOnce.Do(func() { dir, dirErr = os.MkdirTemp("", "geobacter-cpu-") })
	if dirErr != nil {
		return "", fmt.Errorf("cpu device: %w", dirErr)
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%d.so", symbol, serial.Add(1)))
	if err := os.WriteFile(path, so, 0o600); err != nil {
		return "", fmt.Errorf("cpu device: %w", err)
	}
	return path, nil
}
