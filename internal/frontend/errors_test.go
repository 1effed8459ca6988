package frontend_test

import (
	"context"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/internal/frontend"
	"github.com/geobacter-go/geobacter/internal/passes"
)

// errorsDir is the corpus of rejected kernels, relative to the module root.
const errorsDir = "internal/frontend/testdata/errors"

// annotation is one `// ERROR "re" ...` comment: the regexps a diagnostic of its line must match.
type annotation struct {
	file string // canonical
	line int
	res  []*regexp.Regexp
}

// lineKey is a line of a file, named by its canonical path.
type lineKey struct {
	file string
	line int
}

// canonical returns the absolute path of a file with symbolic links resolved, so that paths from
// the go command and from the test's working directory compare equal.
func canonical(file string) string {
	if abs, err := filepath.Abs(file); err == nil {
		file = abs
	}
	if resolved, err := filepath.EvalSymlinks(file); err == nil {
		file = resolved
	}
	return file
}

// readAnnotations parses the Go files of dir and returns their ERROR annotations by line.
func readAnnotations(t *testing.T, dir string) map[lineKey]*annotation {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s (%v)", dir, err)
	}
	fset := token.NewFileSet()
	anns := map[lineKey]*annotation{}
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range f.Comments {
			for _, c := range g.List {
				text, ok := strings.CutPrefix(c.Text, "// ERROR ")
				if !ok {
					continue
				}
				p := fset.Position(c.Pos())
				res, err := parseRegexps(text)
				if err != nil || len(res) == 0 {
					t.Fatalf("%s:%d: malformed annotation %q: %v", p.Filename, p.Line, c.Text, err)
				}
				key := lineKey{canonical(p.Filename), p.Line}
				if anns[key] != nil {
					t.Fatalf("%s:%d: two ERROR annotations on one line", p.Filename, p.Line)
				}
				anns[key] = &annotation{file: key.file, line: p.Line, res: res}
			}
		}
	}
	return anns
}

// parseRegexps parses a space-separated list of regexps, each in double quotes and taken as it
// is, with no escapes (as in the Go repository's own test/ annotations): "\(field N\)".
func parseRegexps(text string) ([]*regexp.Regexp, error) {
	var res []*regexp.Regexp
	for text = strings.TrimSpace(text); text != ""; text = strings.TrimSpace(text) {
		if text[0] != '"' {
			return nil, fmt.Errorf("want a quoted regexp at %q", text)
		}
		end := strings.IndexByte(text[1:], '"')
		if end < 0 {
			return nil, fmt.Errorf("unterminated regexp at %q", text)
		}
		re, err := regexp.Compile(text[1 : 1+end])
		if err != nil {
			return nil, err
		}
		res = append(res, re)
		text = text[end+2:]
	}
	return res, nil
}

// compileEach compiles each kernel on its own. It reports a kernel whose Compile panics and
// returns the others, with the source lines of the panicking kernels' methods.
func compileEach(t *testing.T, prog *frontend.Program, ks []*frontend.Kernel) (ok []*frontend.Kernel, results map[*frontend.Kernel]error, panicked map[lineKey]bool) {
	t.Helper()
	results = map[*frontend.Kernel]error{}
	panicked = map[lineKey]bool{}
	for _, k := range ks {
		p, err := compileRecover(prog, k)
		if p != nil {
			t.Errorf("%s: Compile panics: %v", k.Name, p)
			if syn := k.Method.Syntax(); syn != nil {
				from, to := prog.Fset.Position(syn.Pos()), prog.Fset.Position(syn.End())
				for line := from.Line; line <= to.Line; line++ {
					panicked[lineKey{canonical(from.Filename), line}] = true
				}
			}
			continue
		}
		results[k] = err
		ok = append(ok, k)
	}
	return ok, results, panicked
}

// compileRecover compiles one kernel and returns the value Compile panicked with, or its error.
// A kernel the frontend accepts goes through the passes, as `geobacter vet` does: what only they
// find (a write to the argument struct through a pointer a helper returns, recursion) comes back
// as a *frontend.Error too, each error at its position in the corpus directory.
func compileRecover(prog *frontend.Program, k *frontend.Kernel) (panicked any, err error) {
	defer func() { panicked = recover() }()
	m, err := prog.Compile([]*frontend.Kernel{k})
	if err != nil {
		return nil, err
	}
	var errs passes.ErrorList
	if perr := passes.Run(m, passes.Options{}); errors.As(perr, &errs) {
		dir := filepath.Dir(k.Pos.Filename)
		var ds []frontend.Diagnostic
		for _, e := range errs {
			ds = append(ds, frontend.Diagnostic{
				Pos: token.Position{Filename: filepath.Join(dir, e.Pos.File), Line: int(e.Pos.Line), Column: int(e.Pos.Col)},
				Msg: e.Msg,
			})
		}
		return nil, &frontend.Error{Diagnostics: ds}
	} else if perr != nil {
		return nil, perr
	}
	return nil, nil
}

// fromFrontend reports whether the diagnostics of one kernel are among those of the whole corpus
// (the frontend's), rather than the passes'.
func fromFrontend(kerr *frontend.Error, all []frontend.Diagnostic) bool {
	for _, d := range kerr.Diagnostics {
		for _, a := range all {
			if a == d {
				return true
			}
		}
	}
	return false
}

// checkDiagnostics checks that ds are sorted by position and each has a file, a line and a column.
func checkDiagnostics(t *testing.T, what string, ds []frontend.Diagnostic) {
	t.Helper()
	less := func(a, b token.Position) bool {
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	}
	if !sort.SliceIsSorted(ds, func(i, j int) bool { return less(ds[i].Pos, ds[j].Pos) }) {
		t.Errorf("%s: diagnostics are not sorted by position:\n%s", what, (&frontend.Error{Diagnostics: ds}).Error())
	}
	for _, d := range ds {
		if d.Pos.Filename == "" || d.Pos.Line <= 0 || d.Pos.Column <= 0 {
			t.Errorf("%s: diagnostic without a full position (file:line:col): %v", what, d)
		}
	}
}

// TestErrorCorpus compiles every kernel of the corpus of rejected kernels and checks its
// diagnostics against the corpus's `// ERROR "regexp"` annotations, in both directions: every
// annotation is matched by a diagnostic of its line, and every diagnostic by an annotation of
// its line. It also checks that each kernel on its own is rejected, and that Compile reports
// every diagnostic at once, sorted, with full positions.
func TestErrorCorpus(t *testing.T) {
	prog, err := frontend.Load(context.Background(), frontend.Config{Dir: "../.."}, "./"+errorsDir)
	if err != nil {
		t.Fatal(err)
	}
	dir := canonical(filepath.Join("../..", errorsDir))
	anns := readAnnotations(t, dir)
	kernels := prog.Kernels()
	if len(kernels) < 45 {
		t.Errorf("%d kernels in the corpus, want at least 45", len(kernels))
	}

	// Each kernel on its own: rejected with a *frontend.Error.
	ok, results, panicked := compileEach(t, prog, kernels)
	for _, k := range ok {
		var ferr *frontend.Error
		switch err := results[k]; {
		case err == nil:
			t.Errorf("%s (%s): compiles without a diagnostic; every kernel of the corpus breaks the contract", k.Name, relPos(dir, k.Pos))
		case !errors.As(err, &ferr):
			t.Errorf("%s: Compile returns %T, want *frontend.Error: %v", k.Name, err, err)
		default:
			checkDiagnostics(t, k.Name, ferr.Diagnostics)
		}
	}

	// All of them at once: every violation of every kernel, in one *frontend.Error.
	_, err = prog.Compile(ok)
	var ferr *frontend.Error
	if !errors.As(err, &ferr) {
		t.Fatalf("Compile of the corpus returns %T (%v), want *frontend.Error", err, err)
	}
	ds := ferr.Diagnostics
	// What only the passes find, per kernel (Compile of the whole corpus stops at the frontend).
	for _, k := range ok {
		var kerr *frontend.Error
		if errors.As(results[k], &kerr) && !fromFrontend(kerr, ds) {
			ds = append(ds, kerr.Diagnostics...)
		}
	}
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Pos, ds[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	checkDiagnostics(t, "the corpus", ds)
	if got := ferr.Error(); strings.Count(got, "\n") != len(ferr.Diagnostics)-1 {
		t.Errorf("Error() is not one line per diagnostic:\n%s", got)
	}

	byLine := map[lineKey][]frontend.Diagnostic{}
	for _, d := range ds {
		key := lineKey{canonical(d.Pos.Filename), d.Pos.Line}
		byLine[key] = append(byLine[key], d)
		a := anns[key]
		matched := false
		if a != nil {
			for _, re := range a.res {
				if re.MatchString(d.Msg) {
					matched = true
					break
				}
			}
		}
		if !matched {
			t.Errorf("%s: unexpected diagnostic: %s", relPos(dir, d.Pos), d.Msg)
		}
	}
	keys := make([]lineKey, 0, len(anns))
	for key := range anns {
		keys = append(keys, key)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].file != keys[j].file {
			return keys[i].file < keys[j].file
		}
		return keys[i].line < keys[j].line
	})
	for _, key := range keys {
		if panicked[key] {
			continue // reported above, as the kernel's panic
		}
		seen := byLine[key]
		for _, re := range anns[key].res {
			found := false
			for _, d := range seen {
				if re.MatchString(d.Msg) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%s:%d: no diagnostic matches ERROR %q; diagnostics of the line: %s",
					relFile(dir, key.file), key.line, re, describe(dir, seen))
			}
		}
	}
	if t.Failed() {
		t.Logf("all diagnostics:\n%s", ferr)
	}
}

// describe lists diagnostics for a failure message.
func describe(dir string, ds []frontend.Diagnostic) string {
	if len(ds) == 0 {
		return "none"
	}
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "\n\t%s: %s", relPos(dir, d.Pos), d.Msg)
	}
	return b.String()
}

// relFile names a file relative to dir when it is in dir.
func relFile(dir, file string) string {
	if r, err := filepath.Rel(dir, canonical(file)); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return file
}

func relPos(dir string, p token.Position) string {
	return fmt.Sprintf("%s:%d:%d", relFile(dir, p.Filename), p.Line, p.Column)
}

// goFiles returns the Go files of dir, which must have some.
func goFiles(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".go") {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	if len(files) == 0 {
		t.Fatalf("no Go files in %s", dir)
	}
	return files
}
