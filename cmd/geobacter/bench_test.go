package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/bench"
)

// In tests, `geobacter bench` without flags runs the small suite once.
func init() {
	benchDefaults.size = bench.Small
	benchDefaults.runs = 1
}

func TestBench(t *testing.T) {
	dir := t.TempDir()
	js, svg := filepath.Join(dir, "bench.json"), filepath.Join(dir, "bench.svg")
	code, out, errOut := runCmd("bench", "-size", "small", "-runs", "2", "-bench", "saxpy", "-json", js, "-plot", svg)
	if code != 0 {
		t.Fatalf("geobacter bench: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{"BENCHMARK", "saxpy", "go-serial", "go/ROW"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	data, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Environment struct{ GOMAXPROCS int }
		Benchmarks  []struct {
			Name    string
			Results []struct {
				Impl   string
				RunsNS []int64 `json:"runs_ns"`
			}
		}
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("the JSON does not decode: %v\n%s", err, data)
	}
	if len(rep.Benchmarks) != 1 || rep.Benchmarks[0].Name != "saxpy" || len(rep.Benchmarks[0].Results) == 0 || rep.Environment.GOMAXPROCS == 0 {
		t.Errorf("the JSON lacks the results or the environment:\n%s", data)
	}
	plot, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(plot), "<svg") || !strings.Contains(string(plot), "saxpy") {
		t.Errorf("the plot is not an SVG of saxpy: %.300s", plot)
	}
}

func TestBenchUsage(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "extra"},
		{"bench", "-runs", "0"},
		{"bench", "-bench", "("},
		{"bench", "-nosuchflag"},
	} {
		if code, _, _ := runCmd(args...); code != 2 {
			t.Errorf("geobacter %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}
	if code, _, errOut := runCmd("bench", "-size", "huge", "-bench", "saxpy"); code != 1 || !strings.Contains(errOut, "huge") {
		t.Errorf("-size huge: exit %d, stderr %q; want 1 and a message naming the size", code, errOut)
	}
}
