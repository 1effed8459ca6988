package devicetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/internal/testkernels"
)

// referenceDevice is the device every other device is compared with.
const referenceDevice = "go"

// requireEnv names the device kinds whose tests fail, instead of skipping, when the device is not
// usable: a comma-separated list such as "cpu,vulkan".
const requireEnv = "GEOBACTER_REQUIRE"

// Run runs every case of the kernel corpus on the device named device (as geobacter.Open names
// devices: "go", "vulkan", "cuda:1", ...), each as a subtest named by the case.
//
// A case's outputs must match its reference: bit for bit on the go device, and within the case's
// ULP tolerance on the others, which must also match the go device's outputs the same way. A panic
// case must return the expected *geobacter.KernelPanic (kernel, position, message and work-item),
// and then the device must still run a healthy case correctly. Cases in the skip list of the
// device's kind are skipped with their reason. Run skips everything when the device is not usable
// (see Open).
func Run(t *testing.T, device string) {
	t.Helper()
	dev := Open(t, device)
	run(t, &subject{
		id:        dev.ID(),
		kind:      dev.Kind(),
		reference: dev.Kind() == referenceDevice,
		target:    func(t *testing.T) *testkernels.Target { return target(t, dev) },
	})
}

// subject is what the corpus runs on.
type subject struct {
	id, kind  string
	reference bool // the go device itself: compared with the references only, bit for bit
	target    func(t *testing.T) *testkernels.Target
}

func run(t *testing.T, s *subject) {
	t.Helper()
	var ref *geobacter.Device
	if !s.reference {
		ref = Open(t, referenceDevice)
	}
	cases := testkernels.Cases()
	healthy, hasHealthy := healthyCase(cases, s.kind)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if reason, ok := skip[s.kind][c.Name]; ok {
				t.Skipf("in the skip list of %s: %s", s.kind, reason)
			}
			if c.Panic != nil {
				checkPanic(t, s, c)
				if !hasHealthy {
					t.Fatalf("no case to show %s is still usable after the panic: every other case is skipped", s.id)
				}
				t.Logf("after the panic, %s on the same %s:", healthy.Name, s.id)
				checkOutputs(t, s, ref, healthy)
				return
			}
			checkOutputs(t, s, ref, c)
		})
	}
}

// afterPanic is the case run after each panic case to show the device still works: one with
// barriers and shared memory, what a panic in a work-group disturbs most.
const afterPanic = "shared/reduce-int"

// healthyCase returns the case to run after a panic case on a device of kind: afterPanic, or when
// kind skips it the first case of cases that does not panic and that kind does not skip.
func healthyCase(cases []testkernels.Case, kind string) (testkernels.Case, bool) {
	var first *testkernels.Case
	for i, c := range cases {
		if _, skipped := skip[kind][c.Name]; c.Panic != nil || skipped {
			continue
		}
		if c.Name == afterPanic {
			return c, true
		}
		if first == nil {
			first = &cases[i]
		}
	}
	if first == nil {
		return testkernels.Case{}, false
	}
	return *first, true
}

// ulpFor is the float tolerance of case c on s: none on the reference device, which runs the
// reference's own Go code.
func ulpFor(s *subject, c testkernels.Case) int {
	if s.reference {
		return 0
	}
	return c.ULP
}

// checkOutputs runs case c on s and compares its outputs with the reference and, when ref is not
// nil, with ref's outputs.
func checkOutputs(t *testing.T, s *subject, ref *geobacter.Device, c testkernels.Case) {
	t.Helper()
	if c.Want == nil {
		t.Fatalf("case %s has neither Want nor Panic", c.Name)
	}
	got := runCase(t, s.id, s.target(t), c)
	ulp := ulpFor(s, c)
	report(t, "the reference", c.Want(), got, ulp)
	if ref != nil {
		report(t, "the "+ref.ID()+" device", runCase(t, ref.ID(), target(t, ref), c), got, ulp)
	}
}

// runCase runs c on tg and returns its outputs, valid until the end of the test; a launch error
// fails the test.
func runCase(t *testing.T, id string, tg *testkernels.Target, c testkernels.Case) testkernels.Outputs {
	t.Helper()
	out, err := c.Run(t.Context(), tg)
	if err != nil {
		t.Fatalf("%s on %s: %v", c.Name, id, err)
	}
	return out
}

// target returns a Target on dev whose buffers are freed at the end of the test.
func target(t *testing.T, dev *geobacter.Device) *testkernels.Target {
	tg := testkernels.OnDevice(dev)
	t.Cleanup(func() {
		if err := tg.Close(); err != nil {
			t.Errorf("freeing the buffers on %s: %v", dev.ID(), err)
		}
	})
	return tg
}

// checkPanic runs panic case c on s and checks the *geobacter.KernelPanic it must return.
func checkPanic(t *testing.T, s *subject, c testkernels.Case) {
	t.Helper()
	want := c.Panic
	_, err := c.Run(t.Context(), s.target(t))
	var p *geobacter.KernelPanic
	if !errors.As(err, &p) {
		t.Fatalf("%s on %s returned %v; want a *geobacter.KernelPanic from work-item %v at %s", c.Name, s.id, errText(err), want.WorkItem, want.Pos)
	}
	if p.Kernel != want.Kernel {
		t.Errorf("KernelPanic.Kernel = %q; want %q", p.Kernel, want.Kernel)
	}
	if p.Pos != want.Pos {
		t.Errorf("KernelPanic.Pos = %q; want %q", p.Pos, want.Pos)
	}
	if !want.Msg.MatchString(p.Msg) {
		t.Errorf("KernelPanic.Msg = %q; want a match of %q", p.Msg, want.Msg)
	}
	if p.WorkItem != want.WorkItem {
		t.Errorf("KernelPanic.WorkItem = %v; want %v", p.WorkItem, want.WorkItem)
	}
}

func errText(err error) string {
	if err == nil {
		return "no error"
	}
	return fmt.Sprintf("%T %q", err, err)
}

// Open opens the device named name (as geobacter.Open names devices) and closes it when the test
// ends. When the device is not usable on this machine (its kind or instance does not exist here,
// or it is ErrNotSupported) it skips the test with the reason, unless the environment variable
// GEOBACTER_REQUIRE, a comma-separated list of device kinds, names its kind: then the test fails.
// Any other failure to open fails the test. Open returns nil only when t's Skipf or Fatalf returned.
func Open(t testing.TB, name string) *geobacter.Device {
	t.Helper()
	ctx := context.Background()
	dev, err := geobacter.Open(ctx, name)
	if err == nil {
		t.Cleanup(func() {
			if err := dev.Close(); err != nil {
				t.Errorf("closing %s: %v", name, err)
			}
		})
		return dev
	}
	kind, _, _ := strings.Cut(name, ":")
	switch {
	case required(kind):
		t.Fatalf("device %s is not usable and %s=%s requires it: %v", name, requireEnv, os.Getenv(requireEnv), err)
	case errors.Is(err, geobacter.ErrNotSupported) || absent(ctx, name):
		t.Skipf("device %s is not usable here: %v", name, err)
	default:
		t.Fatalf("opening device %s: %v", name, err)
	}
	return nil
}

// required reports whether GEOBACTER_REQUIRE names kind.
func required(kind string) bool {
	for _, k := range strings.Split(os.Getenv(requireEnv), ",") {
		if k = strings.TrimSpace(k); k != "" && k == kind {
			return true
		}
	}
	return false
}

// absent reports whether the device name, "kind" or "kind:N", does not exist on this machine: its
// kind is not built in, or geobacter.Devices lists no instance N of it. A malformed name is not
// absent: it is the test's mistake.
func absent(ctx context.Context, name string) bool {
	kind, index, hasIndex := strings.Cut(name, ":")
	infos, _ := geobacter.Devices(ctx)
	known := false
	for _, in := range infos {
		known = known || in.Kind == kind
	}
	if !known || !hasIndex {
		return !known
	}
	n, err := strconv.Atoi(index)
	if err != nil {
		return false
	}
	for _, in := range infos {
		if in.Kind == kind && in.Index == n {
			return false
		}
	}
	return true
}
