package toolchain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// EnvLLVM names the environment variable that, when set, is the directory holding the LLVM tools
// to use: Find then looks there and nowhere else.
const EnvLLVM = "GEOBACTER_LLVM"

// ErrNotFound is wrapped by Find's error when no usable LLVM toolchain is found.
var ErrNotFound = errors.New("LLVM tools not found")

// installHint says how to get the tools; every ErrNotFound error ends with it.
const installHint = "install LLVM 17 or newer: on Debian/Ubuntu `apt-get install llvm-19 lld-19`; " +
	"or set " + EnvLLVM + " to the directory that holds opt, llc and ld.lld"

// Tool names. Find needs all of them.
const (
	toolOpt = "opt"
	toolLLC = "llc"
	toolLLD = "ld.lld"
)

// toolNames lists the tools Find looks for, opt first: its version decides the others'.
var toolNames = []string{toolOpt, toolLLC, toolLLD}

// probeTimeout bounds each probe Find runs, so that a broken tool cannot hang it.
const probeTimeout = 30 * time.Second

// Find finds LLVM 17 or newer and probes it: its tools' versions, the optional opt flags it
// accepts (Polly's) and the host's target. It looks for opt, llc and ld.lld, all of the same
// major version, in this order, taking the first place where they all are and are new enough:
//
//  1. when GEOBACTER_LLVM is set, in that directory only, under their plain names, then with
//     version suffixes (opt-19), newest first;
//  2. on PATH under their plain names;
//  3. on PATH with version suffixes (opt-21, …, opt-17: every suffix present, newest first);
//  4. in /usr/lib/llvm-N/bin, newest N first (Debian's and Ubuntu's layout).
//
// When a place has opt but not one of the other tools under the same kind of name, the tool is
// also looked for as name-N on PATH and in /usr/lib/llvm-N/bin, N being opt's major version.
//
// Find runs each tool a few times (about ten processes, partly concurrently, tens of
// milliseconds in all); call it once per process. When no usable toolchain is found, the error
// wraps ErrNotFound, lists what was found and rejected, and says what to install.
func Find(ctx context.Context) (*Toolchain, error) {
	return defaultFinder().find(ctx)
}

// finder holds what Find reads from its environment, so that tests can replace it.
type finder struct {
	getenv  func(string) string
	libRoot string // where the llvm-N directories are: /usr/lib
}

// defaultFinder returns the finder of the process's real environment.
func defaultFinder() *finder {
	return &finder{getenv: os.Getenv, libRoot: "/usr/lib"}
}

// find is Find with f's environment.
func (f *finder) find(ctx context.Context) (*Toolchain, error) {
	tools, err := f.locate(ctx)
	if err != nil {
		return nil, err
	}
	return probe(ctx, tools, f.libRoot)
}

// located is a set of tools found together: opt, llc and ld.lld in toolNames' order, and the
// output of opt's --version.
type located struct {
	tools      []Tool
	optVersion string // opt --version's output
}

// place is where Find looks for the tools: it returns a tool's executable there, or "".
type place func(tool string) string

// locate finds the first place with a usable set of tools, in Find's order.
func (f *finder) locate(ctx context.Context) (located, error) {
	var places []place
	var rejected []string
	if dir := f.getenv(EnvLLVM); dir != "" {
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
		places = append(places, func(tool string) string {
			return executable(filepath.Join(dir, tool))
		})
		for _, n := range suffixMajors([]string{dir}) {
			suffix := "-" + strconv.Itoa(n)
			places = append(places, func(tool string) string {
				return executable(filepath.Join(dir, tool+suffix))
			})
		}
	} else {
		pathDirs := filepath.SplitList(f.getenv("PATH"))
		places = append(places, func(tool string) string { return lookPath(pathDirs, tool) })
		for _, n := range suffixMajors(pathDirs) {
			suffix := "-" + strconv.Itoa(n)
			places = append(places, func(tool string) string {
				return lookPath(pathDirs, tool+suffix)
			})
		}
		for _, n := range f.libMajors() {
			dir := f.libDir(n)
			places = append(places, func(tool string) string {
				return executable(filepath.Join(dir, tool))
			})
		}
		rejected = append(rejected, f.oldLibDirs()...)
	}
	tried := map[string]bool{}
	for _, p := range places {
		optPath := p(toolOpt)
		if optPath == "" {
			continue
		}
		real, err := filepath.EvalSymlinks(optPath)
		if err != nil {
			real = optPath
		}
		if tried[real] {
			continue
		}
		tried[real] = true
		loc, why, err := f.check(ctx, p, optPath)
		if err != nil {
			return located{}, err
		}
		if why == "" {
			return loc, nil
		}
		rejected = append(rejected, why)
	}
	return located{}, f.notFound(rejected)
}

// notFound returns the ErrNotFound error, listing what was rejected.
func (f *finder) notFound(rejected []string) error {
	where := "on PATH (as opt and as opt-N) and in " + filepath.Join(f.libRoot, "llvm-N", "bin")
	if dir := f.getenv(EnvLLVM); dir != "" {
		where = "in " + EnvLLVM + "=" + dir
	}
	msg := fmt.Sprintf("need opt, llc and ld.lld of LLVM %d or newer, all of one version; looked %s", MinMajor, where)
	if len(rejected) > 0 {
		msg += "; found and rejected: " + strings.Join(rejected, "; ")
	}
	return fmt.Errorf("toolchain: %w: %s: %s", ErrNotFound, msg, installHint)
}

// check probes the tools of place p, whose opt is optPath. It returns them, or why the place
// was rejected; err is set only when ctx ended. The tools' versions are probed concurrently.
func (f *finder) check(ctx context.Context, p place, optPath string) (loc located, why string, err error) {
	tools := make([]Tool, len(toolNames))
	outs := make([]string, len(toolNames))
	errs := make([]error, len(toolNames))
	probeAll := func(which []int) {
		var wg sync.WaitGroup
		for _, i := range which {
			wg.Go(func() { outs[i], tools[i].Version, errs[i] = probeVersion(ctx, tools[i].Path) })
		}
		wg.Wait()
	}
	var present []int
	for i, name := range toolNames {
		tools[i] = Tool{Name: name, Path: optPath}
		if i > 0 {
			tools[i].Path = p(name)
		}
		if tools[i].Path != "" {
			present = append(present, i)
		}
	}
	probeAll(present)
	if ctx.Err() != nil {
		return located{}, "", ctx.Err()
	}
	v := tools[0].Version
	if errs[0] != nil {
		return located{}, fmt.Sprintf("%s: %v", optPath, errs[0]), nil
	}
	if v.Major < MinMajor {
		return located{}, fmt.Sprintf("%s is LLVM %s, older than %d", optPath, v, MinMajor), nil
	}
	// A tool missing here may be elsewhere under a name with opt's version, outside GEOBACTER_LLVM.
	var missing []string
	var fallback []int
	for i := 1; i < len(tools); i++ {
		if tools[i].Path != "" {
			continue
		}
		if f.getenv(EnvLLVM) == "" {
			tools[i].Path = lookPath(filepath.SplitList(f.getenv("PATH")), tools[i].Name+"-"+strconv.Itoa(v.Major))
			if tools[i].Path == "" {
				tools[i].Path = executable(filepath.Join(f.libDir(v.Major), tools[i].Name))
			}
		}
		if tools[i].Path == "" {
			missing = append(missing, tools[i].Name)
		} else {
			fallback = append(fallback, i)
		}
	}
	if len(missing) > 0 {
		return located{}, fmt.Sprintf("%s (LLVM %s) has no %s of its version next to it", optPath, v, strings.Join(missing, " or ")), nil
	}
	probeAll(fallback)
	if ctx.Err() != nil {
		return located{}, "", ctx.Err()
	}
	for i, t := range tools[1:] {
		if err := errs[i+1]; err != nil {
			return located{}, fmt.Sprintf("%s: %v", t.Path, err), nil
		}
		if t.Version.Major != v.Major {
			return located{}, fmt.Sprintf("%s is LLVM %s but %s is %s: the tools must be of one major version", optPath, v, t.Path, t.Version), nil
		}
	}
	return located{tools: tools, optVersion: outs[0]}, "", nil
}

// probeVersion runs path --version and parses its output.
func probeVersion(ctx context.Context, path string) (string, Version, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	res, err := run(ctx, path, []string{"--version"}, nil)
	if err != nil {
		return "", Version{}, err
	}
	out := string(res.Output)
	v, err := ParseVersion(out)
	return out, v, err
}

// suffixRE matches a version-suffixed opt: opt-19.
var suffixRE = regexp.MustCompile(`^opt-(\d+)$`)

// suffixMajors returns the N of every executable opt-N in dirs with N at least MinMajor, newest
// first.
func suffixMajors(dirs []string) []int {
	var ns []int
	for _, dir := range dirs {
		if !filepath.IsAbs(dir) {
			continue // as exec.LookPath, never run a tool found relative to the working directory
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			m := suffixRE.FindStringSubmatch(e.Name())
			if m == nil {
				continue
			}
			n, err := strconv.Atoi(m[1])
			if err != nil || n < MinMajor || executable(filepath.Join(dir, e.Name())) == "" {
				continue
			}
			ns = append(ns, n)
		}
	}
	return sortedMajors(ns)
}

// sortedMajors returns ns without duplicates, largest first.
func sortedMajors(ns []int) []int {
	slices.Sort(ns)
	ns = slices.Compact(ns)
	slices.Reverse(ns)
	return ns
}

// libDirRE matches Debian's per-version LLVM directory: llvm-19.
var libDirRE = regexp.MustCompile(`^llvm-(\d+)$`)

// libVersions returns the N of every directory llvm-N under f.libRoot.
func (f *finder) libVersions() []int {
	entries, err := os.ReadDir(f.libRoot)
	if err != nil {
		return nil
	}
	var ns []int
	for _, e := range entries {
		if m := libDirRE.FindStringSubmatch(e.Name()); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil {
				ns = append(ns, n)
			}
		}
	}
	return sortedMajors(ns)
}

// libMajors returns the N of every llvm-N directory under f.libRoot with N at least MinMajor
// whose bin holds opt, newest first.
func (f *finder) libMajors() []int {
	var ns []int
	for _, n := range f.libVersions() {
		if n >= MinMajor && executable(filepath.Join(f.libDir(n), toolOpt)) != "" {
			ns = append(ns, n)
		}
	}
	return ns
}

// oldLibDirs describes the llvm-N directories that are too old, for the error message.
func (f *finder) oldLibDirs() []string {
	var s []string
	for _, n := range f.libVersions() {
		if n < MinMajor && executable(filepath.Join(f.libDir(n), toolOpt)) != "" {
			s = append(s, fmt.Sprintf("%s is LLVM %d, older than %d", f.libDir(n), n, MinMajor))
		}
	}
	return s
}

// libDir returns the directory of LLVM major version n's tools in Debian's layout.
func (f *finder) libDir(n int) string {
	return filepath.Join(f.libRoot, "llvm-"+strconv.Itoa(n), "bin")
}

// lookPath returns the first executable named name in dirs, or "". Unlike exec.LookPath it reads
// the directories it is given, not the process's PATH; like it, it skips relative directories
// (a tool is never run from the working directory because PATH names ".").
func lookPath(dirs []string, name string) string {
	for _, dir := range dirs {
		if !filepath.IsAbs(dir) {
			continue
		}
		if p := executable(filepath.Join(dir, name)); p != "" {
			return p
		}
	}
	return ""
}

// executable returns path when it is an executable regular file (after symbolic links), else "".
func executable(path string) string {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return ""
	}
	return path
}
