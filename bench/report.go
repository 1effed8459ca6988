package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteTable writes the report as tables: one row per benchmark and implementation, with the
// median time, the metric and the ratio of each device's time to the row's; then the geometric
// means of those ratios over the suite.
func (r *Report) WriteTable(w io.Writer) error {
	if len(r.Benchmarks) == 0 {
		return errNoResults
	}
	bw := &errWriter{w: w}
	fmt.Fprintf(bw, "geobacter bench: size %s, the median of %d timed runs after a warm-up", r.Size, r.Runs)
	if r.Runs > MinRuns {
		fmt.Fprintf(bw, " (at least %d: fewer once an implementation's runs took %v)", MinRuns, time.Duration(r.BudgetNS))
	}
	fmt.Fprintln(bw)
	fmt.Fprintf(bw, "machine: %s, %d CPUs, GOMAXPROCS %d, %s\n", orDash(r.Environment.CPU), r.Environment.NumCPU, r.Environment.GOMAXPROCS, r.Environment.Go)
	for _, d := range r.Devices {
		fmt.Fprintf(bw, "device %s: %s\n", d, r.Environment.Devices[d])
	}
	if r.Environment.CFlags != "" {
		fmt.Fprintf(bw, "%s: %s %s\n", RefC, r.Environment.Clang, r.Environment.CFlags)
	}
	if r.Environment.OpenCL != "" {
		fmt.Fprintf(bw, "%s: %s\n", RefOpenCL, r.Environment.OpenCL)
	}
	if r.Environment.GLSL != "" {
		fmt.Fprintf(bw, "%s: %s\n", RefGLSL, r.Environment.GLSL)
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(bw, "skipped %s: %s\n", s.Impl, s.Reason)
	}
	if len(r.Devices) > 0 {
		fmt.Fprintf(bw, "DEVICE/ROW is time(device)/time(this row): above 1 the device is slower than this row's implementation, below 1 faster.\n")
	}
	fmt.Fprintln(bw)

	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	header := []string{"BENCHMARK", "IMPLEMENTATION", "MEDIAN", "RATE", "RUNS"}
	for _, d := range r.Devices {
		header = append(header, d+"/ROW")
	}
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	var failures []string
	for _, b := range r.Benchmarks {
		for _, res := range b.Results {
			cells := []string{b.Name, res.Impl}
			switch {
			case res.Unsupported != "":
				cells = append(cells, "unsupported", "-", "-")
				failures = append(failures, fmt.Sprintf("%s/%s (not supported by the device): %s", b.Name, res.Impl, shorten(res.Error)))
			case res.Error != "":
				cells = append(cells, "FAILED", "-", "-")
				failures = append(failures, fmt.Sprintf("%s/%s: %s", b.Name, res.Impl, shorten(res.Error)))
			default:
				cells = append(cells, formatNS(res.MedianNS), fmt.Sprintf("%.3g %s", res.Rate, b.Unit), fmt.Sprint(len(res.RunsNS)))
			}
			for _, d := range r.Devices {
				td := b.median(d)
				switch {
				case d == res.Impl || td == 0 || res.Error != "":
					cells = append(cells, "-")
				default:
					cells = append(cells, formatRatio(float64(td)/float64(res.MedianNS)))
				}
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
	}
	tw.Flush()

	if len(r.Geomeans) > 0 {
		fmt.Fprintf(bw, "\ngeometric mean over the suite of time(device)/time(implementation) (above 1: the device is slower):\n\n")
		tw = tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		impls := append(append([]string{}, r.Devices...), r.References...)
		fmt.Fprintln(tw, "DEVICE\t"+strings.Join(impls, "\t"))
		for _, d := range r.Devices {
			cells := []string{d}
			for _, impl := range impls {
				cell := "-"
				for _, g := range r.Geomeans {
					if g.Device == d && g.Reference == impl {
						cell = formatRatio(g.Ratio)
						if g.Benchmarks < len(r.Benchmarks) {
							cell += fmt.Sprintf(" (%d of %d)", g.Benchmarks, len(r.Benchmarks))
						}
					}
				}
				cells = append(cells, cell)
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		tw.Flush()
		r.writeSPIRVGeomeans(bw)
	}
	if len(failures) > 0 {
		fmt.Fprintf(bw, "\nfailures and unsupported benchmarks:\n")
		for _, f := range failures {
			fmt.Fprintf(bw, "  %s\n", f)
		}
	}
	return bw.err
}

// writeSPIRVGeomeans writes, for each vulkan device, the geometric mean of its time over the
// GLSL reference's: geobacter's SPIR-V against glslang's for the same kernels, on the same
// Vulkan device when the device's description names the GLSL reference's.
func (r *Report) writeSPIRVGeomeans(w io.Writer) {
	for _, g := range r.Geomeans {
		if g.Reference != RefGLSL || !strings.HasPrefix(g.Device, "vulkan") {
			continue
		}
		where := "on " + r.Environment.GLSLDevice
		if !strings.Contains(r.Environment.Devices[g.Device], r.Environment.GLSLDevice) {
			where = fmt.Sprintf("on different devices: %s and %s", r.Environment.Devices[g.Device], r.Environment.GLSLDevice)
		}
		fmt.Fprintf(w, "\ngeobacter's SPIR-V / glslang's SPIR-V (%s / %s, %s): %s, the geometric mean over %d benchmarks\n",
			g.Device, RefGLSL, where, formatRatio(g.Ratio), g.Benchmarks)
	}
}

// WriteJSON writes the whole report, every run's time included, as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// formatNS formats a time with 3 significant digits.
func formatNS(ns int64) string {
	d := time.Duration(ns)
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.3gs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.3gms", float64(d)/1e6)
	case d >= time.Microsecond:
		return fmt.Sprintf("%.3gµs", float64(d)/1e3)
	}
	return fmt.Sprintf("%dns", ns)
}

// formatRatio formats a ratio with 3 significant digits, without an exponent.
func formatRatio(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0f", x)
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	case x >= 1:
		return fmt.Sprintf("%.2f", x)
	case x >= 0.1:
		return fmt.Sprintf("%.3f", x)
	}
	return fmt.Sprintf("%.2g", x)
}

// shorten returns a long error message cut in the middle (the JSON report has it whole): its
// start says what failed, its end usually why.
func shorten(s string) string {
	const head, tail = 200, 300
	if len(s) <= head+tail+50 {
		return s
	}
	return strings.ToValidUTF8(s[:head]+" [...] "+s[len(s)-tail:], "")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	_, e.err = e.w.Write(p)
	return len(p), nil
}
