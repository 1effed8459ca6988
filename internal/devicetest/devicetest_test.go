package devicetest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/internal/testkernels"
)

func TestSkipListNamesCases(t *testing.T) {
	names := map[string]bool{}
	for _, c := range testkernels.Cases() {
		names[c.Name] = true
	}
	for kind, cases := range skip {
		for name, reason := range cases {
			if !names[name] {
				t.Errorf("skip[%q] names %q, which is no case of testkernels", kind, name)
			}
			if strings.TrimSpace(reason) == "" {
				t.Errorf("skip[%q][%q] gives no reason", kind, name)
			}
		}
	}
}

func TestHealthyCase(t *testing.T) {
	cases := testkernels.Cases()
	preferred, ok := healthyCase(cases, "go")
	if !ok || preferred.Name != afterPanic {
		t.Fatalf("healthyCase = %q, %v; want %q, a case of the corpus", preferred.Name, ok, afterPanic)
	}

	defer func(saved map[string]map[string]string) { skip = saved }(skip)
	skip = map[string]map[string]string{"fake": {afterPanic: "skipped in this test"}}
	other, ok := healthyCase(cases, "fake")
	if !ok || other.Name == afterPanic || other.Panic != nil {
		t.Errorf("with %s skipped, healthyCase = %q, %v; want another case that does not panic", afterPanic, other.Name, ok)
	}

	var panics []testkernels.Case
	for _, c := range cases {
		if c.Panic != nil {
			panics = append(panics, c)
		}
	}
	if c, ok := healthyCase(panics, "go"); ok {
		t.Errorf("healthyCase of panic cases only = %q; want none", c.Name)
	}
}

// recorder is a testing.TB whose Skipf and Fatalf record instead of stopping the test, so that
// Open's decisions can be tested.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Skipf(format string, args ...any) { r.skipped = fmt.Sprintf(format, args...) }

func (r *recorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

func TestOpen(t *testing.T) {
	for _, tc := range []struct {
		name, device, require string
		opens                 bool   // a device comes back
		skip, fail            string // what the skip or failure message must contain
	}{
		{name: "go device", device: "go", opens: true},
		{name: "go device, required", device: "go", require: "go", opens: true},
		{name: "go device by instance", device: "go:0", opens: true},
		{name: "unknown kind skips", device: "nosuchkind", skip: "nosuchkind"},
		{name: "unknown instance skips", device: "go:7", skip: "go:7"},
		{name: "unknown kind, required, fails", device: "nosuchkind", require: "nosuchkind", fail: "GEOBACTER_REQUIRE=nosuchkind"},
		{name: "instance of a required kind fails", device: "nosuchkind:1", require: "cpu, nosuchkind ,vulkan", fail: "requires it"},
		{name: "another kind required still skips", device: "nosuchkind", require: "nosuch,kind", skip: "not usable here"},
		{name: "malformed name fails", device: "go:x", fail: "go:x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(requireEnv, tc.require)
			r := &recorder{TB: t}
			dev := Open(r, tc.device)
			if (dev != nil) != tc.opens {
				t.Errorf("Open(%q) = %v; want a device: %v", tc.device, dev, tc.opens)
			}
			if dev != nil && dev.Kind() != "go" {
				t.Errorf("Open(%q) opened a %s device", tc.device, dev.Kind())
			}
			if !contains(r.skipped, tc.skip) {
				t.Errorf("Open(%q) skipped with %q; want a skip with %q", tc.device, r.skipped, tc.skip)
			}
			if !contains(r.failed, tc.fail) {
				t.Errorf("Open(%q) failed with %q; want a failure with %q", tc.device, r.failed, tc.fail)
			}
		})
	}
}

// contains reports whether got contains want, where an empty want means got must be empty too.
func contains(got, want string) bool {
	if want == "" {
		return got == ""
	}
	return strings.Contains(got, want)
}
