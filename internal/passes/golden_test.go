package passes

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/internal/ir"
)

var update = flag.Bool("update", false, "rewrite the expected outputs of testdata/*/*.ir")

// TestGolden runs the cases of testdata/PASS/*.ir: each file is
//
//	free text, and option lines:
//	  unchecked            (Options.Unchecked)
//	  specialize FIELD=BITS (for the module's first kernel)
//	  group X,Y,Z          (Options.GroupSize)
//	-- input --
//	IR text (ir.Parse; ; comments allowed)
//	-- output --
//	the text of the module after the pass (ir.Print), or
//	-- error --
//	the error the pass returns
//
// PASS is the name of one pass of the pipeline, run alone, or "pipeline" for Run. The input must
// verify, and so must the output. go test -update rewrites the output sections.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*/*.ir")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no test cases in testdata")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.ToSlash(file), ".ir")
		name = strings.TrimPrefix(name, "testdata/")
		t.Run(name, func(t *testing.T) { runGolden(t, file) })
	}
}

type goldenCase struct {
	header, input, want string
	wantErr             bool
}

func readGolden(t *testing.T, file string) goldenCase {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	var c goldenCase
	header, rest, ok := strings.Cut(text, "-- input --\n")
	if !ok {
		t.Fatalf("%s: no -- input -- section", file)
	}
	c.header = header
	if in, out, ok := strings.Cut(rest, "-- output --\n"); ok {
		c.input, c.want = in, out
	} else if in, out, ok := strings.Cut(rest, "-- error --\n"); ok {
		c.input, c.want, c.wantErr = in, out, true
	} else {
		c.input = rest // a new case: -update writes its output
	}
	return c
}

func goldenOptions(t *testing.T, header string, m *ir.Module) Options {
	var opts Options
	for line := range strings.SplitSeq(header, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 1 && f[0] == "unchecked":
			opts.Unchecked = true
		case len(f) == 2 && f[0] == "group":
			for i, x := range strings.Split(f[1], ",") {
				n, err := strconv.ParseInt(x, 10, 64)
				if err != nil || i > 2 {
					t.Fatalf("bad option line %q", line)
				}
				opts.GroupSize[i] = n
			}
		case len(f) == 2 && f[0] == "specialize":
			field, bits, ok := strings.Cut(f[1], "=")
			i, err1 := strconv.Atoi(field)
			b, err2 := strconv.ParseInt(bits, 0, 64)
			ks := m.Kernels()
			if !ok || err1 != nil || err2 != nil || len(ks) == 0 {
				t.Fatalf("bad option line %q", line)
			}
			opts.Specialize = append(opts.Specialize, Const{Kernel: ks[0].Name, Field: i, Bits: b})
		}
	}
	return opts
}

func runGolden(t *testing.T, file string) {
	c := readGolden(t, file)
	m, err := ir.Parse(c.input)
	if err != nil {
		t.Fatalf("input: %v", err)
	}
	if err := ir.Verify(m); err != nil {
		t.Fatalf("input: %v", err)
	}
	opts := goldenOptions(t, c.header, m)
	passName := filepath.Base(filepath.Dir(file))
	if passName == "pipeline" {
		opts.Verify = true
		err = Run(m, opts)
	} else {
		err = runPass(t, passName, m, opts)
	}
	var got string
	gotErr := err != nil
	if gotErr {
		got = err.Error() + "\n"
	} else {
		if verr := ir.Verify(m); verr != nil {
			t.Errorf("output: %v\n%s", verr, ir.Print(m))
		}
		got = ir.Print(m)
		// The output reads back as itself.
		if m2, perr := ir.Parse(got); perr != nil {
			t.Errorf("output does not parse: %v", perr)
		} else if again := ir.Print(m2); again != got {
			t.Errorf("output does not print back as itself:\n%s", again)
		}
	}
	if *update {
		section := "-- output --\n"
		if gotErr {
			section = "-- error --\n"
		}
		if err := os.WriteFile(file, []byte(c.header+"-- input --\n"+c.input+section+got), 0o666); err != nil {
			t.Fatal(err)
		}
		return
	}
	if c.want == "" && !c.wantErr {
		t.Fatalf("no expected output: run go test -update")
	}
	if gotErr != c.wantErr || got != c.want {
		t.Errorf("got:\n%s\nwant:\n%s", got, c.want)
	}
}

// runPass runs the pipeline's pass name alone.
func runPass(t *testing.T, name string, m *ir.Module, opts Options) error {
	t.Helper()
	for _, p := range pipeline {
		if p.name == name {
			return p.run(&state{m: m, opts: opts})
		}
	}
	t.Fatalf("no pass %q in the pipeline", name)
	return nil
}

// mustParse parses and verifies IR text.
func mustParse(t *testing.T, text string) *ir.Module {
	t.Helper()
	m, err := ir.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	if err := ir.Verify(m); err != nil {
		t.Fatal(err)
	}
	return m
}
