package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/geobacter-go/geobacter"
)

// Config is what Run runs.
type Config struct {
	Size Size // Full (the default) or Small
	// Runs is the number of timed runs of each implementation after its warm-up run (default 10).
	Runs int
	// Budget shortens slow implementations: after MinRuns timed runs, an implementation stops
	// once its timed runs took Budget in all (default 2s).
	Budget time.Duration
	// Devices are the geobacter devices to measure, by the names geobacter.Open takes; nil means
	// DefaultDevices.
	Devices []string
	// References are the references to measure (see References); nil means all of them.
	References []string
	// Bench selects the benchmarks by name; nil means all.
	Bench *regexp.Regexp
	// Log receives progress and the reasons references are skipped; nil discards them.
	Log io.Writer
}

// MinRuns is the least number of timed runs of an implementation, whatever the budget.
const MinRuns = 3

// Report is the result of Run.
type Report struct {
	Environment Environment    `json:"environment"`
	Size        Size           `json:"size"`
	Runs        int            `json:"runs"`
	BudgetNS    int64          `json:"budget_ns"`
	Devices     []string       `json:"devices"`    // the implementations that are geobacter devices
	References  []string       `json:"references"` // the references that ran
	Skipped     []Skip         `json:"skipped,omitempty"`
	Benchmarks  []*BenchResult `json:"benchmarks"`
	Geomeans    []Geomean      `json:"geomeans"`
}

// Environment is the machine and the tools the report was measured with.
type Environment struct {
	Time       string            `json:"time"`
	CPU        string            `json:"cpu"`
	NumCPU     int               `json:"num_cpu"`
	GOMAXPROCS int               `json:"gomaxprocs"`
	Go         string            `json:"go"`
	Platform   string            `json:"platform"`
	Geobacter  string            `json:"geobacter"`
	Devices    map[string]string `json:"devices"` // device name → what geobacter.Device.String says
	Clang      string            `json:"clang,omitempty"`
	CFlags     string            `json:"c_flags,omitempty"`
	OpenCL     string            `json:"opencl,omitempty"`
	GLSL       string            `json:"glsl,omitempty"`        // the compiler, the Vulkan device and its driver
	GLSLDevice string            `json:"glsl_device,omitempty"` // the name of the GLSL reference's Vulkan device
}

// BenchResult is one benchmark's results.
type BenchResult struct {
	Name    string    `json:"name"`
	Unit    string    `json:"unit"`
	About   string    `json:"about"`
	Params  []int     `json:"params"`
	Work    float64   `json:"work"` // per run, in the unit's numerator (bytes, flops, iterations)
	Results []*Result `json:"results"`
}

// Result is one implementation of one benchmark.
type Result struct {
	Impl     string  `json:"impl"`
	Kind     string  `json:"kind"` // "device" or "reference"
	RunsNS   []int64 `json:"runs_ns,omitempty"`
	MedianNS int64   `json:"median_ns,omitempty"`
	Rate     float64 `json:"rate,omitempty"` // Work / median, in the benchmark's unit
	Error    string  `json:"error,omitempty"`
	// Ratios are time(device)/time(this implementation) for each device that ran the benchmark.
	Ratios map[string]float64 `json:"ratios,omitempty"`
	// Unsupported says why a device could not run the benchmark at all (an error wrapping
	// geobacter.ErrNotSupported): a gap of the device, not a failure.
	Unsupported string `json:"unsupported,omitempty"`
}

// Geomean is the geometric mean over the benchmarks of time(Device)/time(Reference), over the
// benchmarks where both ran and passed.
type Geomean struct {
	Device     string  `json:"device"`
	Reference  string  `json:"reference"`
	Ratio      float64 `json:"ratio"`
	Benchmarks int     `json:"benchmarks"`
}

// Failed reports whether an implementation failed (did not run or gave a wrong result).
func (r *Report) Failed() bool {
	for _, b := range r.Benchmarks {
		for _, res := range b.Results {
			if res.Error != "" && res.Unsupported == "" {
				return true
			}
		}
	}
	return false
}

// DefaultDevices returns the devices the suite runs on by default: every usable device of the
// kinds go and cpu, and every usable GPU, a software Vulkan device (lavapipe) included. The go
// and cpu devices are named by their kind, the others by kind:index.
func DefaultDevices(ctx context.Context) ([]string, error) {
	infos, err := geobacter.Devices(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, in := range infos {
		switch {
		case !in.Usable:
		case in.Kind == "go" || in.Kind == "cpu":
			if in.Index == 0 {
				names = append(names, in.Kind)
			}
		case in.Kind == "vulkan" || in.Type == geobacter.TypeDiscreteGPU || in.Type == geobacter.TypeIntegratedGPU:
			names = append(names, in.ID())
		}
	}
	return names, nil
}

// Run runs the suite as cfg says: for each benchmark in turn, every device and reference back to
// back. A failing implementation (an error, or a result that does not match serial Go) is
// recorded in its Result and the suite goes on; Report.Failed says whether any did. Run returns
// an error for what stops the whole suite: a device that cannot be opened, a bad Config.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Size == "" {
		cfg.Size = Full
	}
	if cfg.Size != Full && cfg.Size != Small {
		return nil, fmt.Errorf("size %q: want %q or %q", cfg.Size, Full, Small)
	}
	if cfg.Runs == 0 {
		cfg.Runs = 10
	}
	if cfg.Runs < 1 {
		return nil, fmt.Errorf("runs %d: want at least 1", cfg.Runs)
	}
	if cfg.Budget == 0 {
		cfg.Budget = 2 * time.Second
	}
	log := cfg.Log
	if log == nil {
		log = io.Discard
	}
	refs := cfg.References
	if refs == nil {
		refs = References
	}
	for _, r := range refs {
		if !slices.Contains(References, r) {
			return nil, fmt.Errorf("unknown reference %q: the references are %s", r, strings.Join(References, ", "))
		}
	}
	names := cfg.Devices
	if names == nil {
		var err error
		if names, err = DefaultDevices(ctx); err != nil {
			return nil, err
		}
	}

	rep := &Report{
		Environment: environment(),
		Size:        cfg.Size,
		Runs:        cfg.Runs,
		BudgetNS:    int64(cfg.Budget),
		Devices:     names,
	}
	var devs []*geobacter.Device
	defer func() {
		for _, d := range devs {
			d.Close()
		}
	}()
	for _, n := range names {
		if slices.Contains(References, n) {
			return nil, fmt.Errorf("device %q: the name is a reference's", n)
		}
		d, err := geobacter.Open(ctx, n)
		if err != nil {
			return nil, fmt.Errorf("device %s: %w", n, err)
		}
		devs = append(devs, d)
		rep.Environment.Devices[n] = d.String()
	}

	tc, err := buildReferences(ctx, refs)
	if err != nil {
		return nil, err
	}
	defer tc.close()
	for _, s := range tc.skipped {
		fmt.Fprintf(log, "skipping %s: %s\n", s.Impl, s.Reason)
	}
	rep.Skipped = tc.skipped
	rep.Environment.Clang = tc.clangVer
	if p := tc.programs[RefC]; p != nil {
		rep.Environment.CFlags = strings.Join(cFlags, " ")
	}
	if p := tc.programs[RefOpenCL]; p != nil {
		rep.Environment.OpenCL = p.desc
	}
	// The GLSL reference is skipped when a tool or a device is missing; when it is there but the
	// shaders fail to build, every benchmark of it fails with the error.
	var glsl *glslRef
	var glslErr error
	if slices.Contains(refs, RefGLSL) {
		if glsl, glslErr = newGLSLRef(ctx); glslErr == nil {
			defer glsl.close()
			rep.Environment.GLSL, rep.Environment.GLSLDevice = glsl.desc, glsl.device
		} else if errGLSLUnavailable(glslErr) {
			fmt.Fprintf(log, "skipping %s: %s\n", RefGLSL, glslErr)
			rep.Skipped = append(rep.Skipped, Skip{RefGLSL, glslErr.Error()})
		}
	}
	for _, r := range refs {
		if (r == RefC || r == RefOpenCL) && tc.programs[r] == nil || r == RefGLSL && errGLSLUnavailable(glslErr) {
			continue
		}
		rep.References = append(rep.References, r)
	}

	for _, b := range suite {
		if cfg.Bench != nil && !cfg.Bench.MatchString(b.Name) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p := b.problem(cfg.Size)
		ref, err := reference(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("%s: the serial reference: %w", b.Name, err)
		}
		br := &BenchResult{Name: b.Name, Unit: b.Unit, About: b.About, Params: p.params(), Work: p.work(ref)}
		rep.Benchmarks = append(rep.Benchmarks, br)
		add := func(r *Result) {
			if len(r.RunsNS) > 0 && r.Error == "" {
				r.MedianNS = median(r.RunsNS)
				r.Rate = br.Work / float64(r.MedianNS)
				fmt.Fprintf(log, "%-10s %-14s %8s  %8.3g %s  (%d runs)\n", b.Name, r.Impl,
					formatNS(r.MedianNS), r.Rate, b.Unit, len(r.RunsNS))
			} else if r.Unsupported != "" {
				fmt.Fprintf(log, "%-10s %-14s not supported: %s\n", b.Name, r.Impl, shorten(r.Error))
			} else {
				fmt.Fprintf(log, "%-10s %-14s FAILED: %s\n", b.Name, r.Impl, shorten(r.Error))
			}
			br.Results = append(br.Results, r)
		}
		for i, d := range devs {
			r := measure(ctx, p, ref, target{kind: deviceImpl, dev: d}, cfg.Runs, cfg.Budget)
			r.Impl, r.Kind = names[i], "device"
			add(r)
		}
		for _, name := range rep.References {
			var r *Result
			switch name {
			case RefSerial:
				r = measure(ctx, p, ref, target{kind: serialImpl}, cfg.Runs, cfg.Budget)
			case RefGoroutines:
				r = measure(ctx, p, ref, target{kind: goroutinesImpl}, cfg.Runs, cfg.Budget)
			case RefGLSL:
				if glslErr != nil {
					r = &Result{Error: "building the GLSL reference: " + glslErr.Error()}
				} else {
					r = measure(ctx, p, ref, target{kind: glslImpl, glsl: glsl}, cfg.Runs, cfg.Budget)
				}
			default:
				r = measureProgram(ctx, tc.programs[name], b.Name, p, ref, cfg.Runs, cfg.Budget)
			}
			r.Impl, r.Kind = name, "reference"
			add(r)
		}
		for _, r := range br.Results {
			for _, d := range names {
				if td := br.median(d); d != r.Impl && td > 0 && r.Error == "" {
					if r.Ratios == nil {
						r.Ratios = map[string]float64{}
					}
					r.Ratios[d] = float64(td) / float64(r.MedianNS)
				}
			}
		}
	}
	rep.Geomeans = geomeans(rep)
	return rep, nil
}

// reference runs serial Go once on fresh inputs: the result every implementation is verified
// against.
func reference(ctx context.Context, p problem) (state, error) {
	st, err := p.setup(&mem{})
	if err != nil {
		return nil, err
	}
	return st, st.run(ctx, target{kind: serialImpl})
}

// measure runs a Go implementation (serial, goroutines or a device) or the GLSL reference: its
// own fresh inputs, a warm-up run (on a device, it compiles the kernel) whose result is verified,
// then the timed runs.
func measure(ctx context.Context, p problem, ref state, t target, runs int, budget time.Duration) (res *Result) {
	res = &Result{}
	m := newMem(t)
	defer func() {
		if err := m.free(); err != nil && res.Error == "" {
			res.Error = err.Error()
		}
	}()
	st, err := p.setup(m)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	if err := st.run(ctx, t); err != nil {
		res.Error = err.Error()
		if errors.Is(err, geobacter.ErrNotSupported) {
			res.Unsupported = res.Error
		}
		return res
	}
	if err := st.verify(ref); err != nil {
		res.Error = "wrong result: " + err.Error()
		return res
	}
	runtime.GC() // the garbage of setting up is not collected during the timed runs
	var total time.Duration
	for r := range runs {
		start := time.Now()
		if err := st.run(ctx, t); err != nil {
			res.Error = err.Error()
			return res
		}
		d := time.Since(start)
		res.RunsNS = append(res.RunsNS, int64(d))
		if total += d; r+1 >= MinRuns && total >= budget {
			break
		}
	}
	return res
}

// measureProgram runs a C or OpenCL reference program and verifies its checksums.
func measureProgram(ctx context.Context, prog *program, name string, p problem, ref state, runs int, budget time.Duration) *Result {
	res := &Result{}
	out, err := prog.run(ctx, name, p.params(), runs, budget)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	if err := verifyChecks(out.checks, ref.checks(), p.checkTolerance()); err != nil {
		res.Error = "wrong result: " + err.Error()
		return res
	}
	for _, d := range out.runs {
		res.RunsNS = append(res.RunsNS, int64(d))
	}
	return res
}

// median returns the median of the times: the middle one, or the mean of the two middle ones.
func median(ns []int64) int64 {
	s := slices.Clone(ns)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// geomeans computes, for each device and each other implementation, the geometric mean of
// time(device)/time(implementation) over the benchmarks where both passed.
func geomeans(rep *Report) []Geomean {
	impls := append(slices.Clone(rep.Devices), rep.References...)
	var out []Geomean
	for _, d := range rep.Devices {
		for _, r := range impls {
			if r == d {
				continue
			}
			var logSum float64
			n := 0
			for _, b := range rep.Benchmarks {
				td, tr := b.median(d), b.median(r)
				if td > 0 && tr > 0 {
					logSum += math.Log(float64(td) / float64(tr))
					n++
				}
			}
			if n > 0 {
				out = append(out, Geomean{Device: d, Reference: r, Ratio: math.Exp(logSum / float64(n)), Benchmarks: n})
			}
		}
	}
	return out
}

// median returns the median time of impl, or 0 when it did not run or failed.
func (b *BenchResult) median(impl string) int64 {
	for _, r := range b.Results {
		if r.Impl == impl && r.Error == "" {
			return r.MedianNS
		}
	}
	return 0
}

// environment describes the machine and the Go runtime.
func environment() Environment {
	return Environment{
		Time:       time.Now().UTC().Format(time.RFC3339),
		CPU:        cpuModel(),
		NumCPU:     runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		Go:         runtime.Version(),
		Platform:   runtime.GOOS + "/" + runtime.GOARCH,
		Geobacter:  geobacter.Version(),
		Devices:    map[string]string{},
	}
}

// cpuModel returns the first "model name" of /proc/cpuinfo, or "" where there is none.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// errNoResults is returned by the writers for a report without benchmarks.
var errNoResults = errors.New("no benchmark ran (does -bench match any of them?)")
