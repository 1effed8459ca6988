package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"time"

	"github.com/geobacter-go/geobacter/bench"
)

// benchDefaults are the defaults of -size and -runs. The tests make them small: the test of the
// usage text runs every command it lists without arguments, which for bench is the whole suite.
var benchDefaults = struct {
	size bench.Size
	runs int
}{bench.Full, 10}

// benchCmd is `geobacter bench [-devices LIST] [-refs LIST] [-bench REGEXP] [-runs N]
// [-budget D] [-size small|full] [-json FILE] [-plot FILE.svg]`.
func benchCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("bench", stderr, "[-devices LIST] [-refs LIST] [-bench REGEXP] [-runs N] [-budget D] [-size small|full] [-json FILE] [-plot FILE.svg]")
	devices := fs.String("devices", "", "comma-separated geobacter devices to measure (default: every usable go, cpu and GPU device, lavapipe included)")
	refs := fs.String("refs", strings.Join(bench.References, ","), "comma-separated references to measure")
	pattern := fs.String("bench", "", "run only the benchmarks whose name matches this regular expression")
	runs := fs.Int("runs", benchDefaults.runs, "timed runs of each implementation after its warm-up run")
	budget := fs.Duration("budget", 2*time.Second, fmt.Sprintf("after %d timed runs, stop an implementation once its runs took this long", bench.MinRuns))
	size := fs.String("size", string(benchDefaults.size), "problem sizes: full, or small (for tests)")
	jsonFile := fs.String("json", "", "write every result, every run's time and the environment as JSON to this file")
	plotFile := fs.String("plot", "", "write an SVG bar chart of the speed of each implementation relative to serial Go to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "geobacter bench: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		fs.Usage()
		return 2
	}
	cfg := bench.Config{
		Size:       bench.Size(*size),
		Runs:       *runs,
		Budget:     *budget,
		References: splitList(*refs),
		Log:        stderr,
	}
	if *devices != "" {
		cfg.Devices = splitList(*devices)
	}
	if *pattern != "" {
		re, err := regexp.Compile(*pattern)
		if err != nil {
			fmt.Fprintf(stderr, "geobacter bench: -bench: %v\n", err)
			return 2
		}
		cfg.Bench = re
	}
	if *runs < 1 || *budget < 0 {
		fmt.Fprintf(stderr, "geobacter bench: -runs %d -budget %v: need at least one run and a budget of at least 0\n", *runs, *budget)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "geobacter bench: %v\n", err)
		return 1
	}
	fmt.Fprintln(stderr)
	if err := rep.WriteTable(stdout); err != nil {
		fmt.Fprintf(stderr, "geobacter bench: %v\n", err)
		return 1
	}
	if *jsonFile != "" {
		if err := writeFile(*jsonFile, rep.WriteJSON); err != nil {
			fmt.Fprintf(stderr, "geobacter bench: -json: %v\n", err)
			return 1
		}
	}
	if *plotFile != "" {
		if err := writeFile(*plotFile, rep.WritePlot); err != nil {
			fmt.Fprintf(stderr, "geobacter bench: -plot: %v\n", err)
			return 1
		}
	}
	if rep.Failed() {
		fmt.Fprintln(stderr, "geobacter bench: some implementations failed")
		return 1
	}
	return 0
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	list := []string{}
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			list = append(list, item)
		}
	}
	return list
}

// writeFile writes what write produces to the file path.
func writeFile(path string, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}
