package cuda

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

// required reports whether GEOBACTER_REQUIRE names kind.
func required(kind string) bool {
	for _, k := range strings.Split(os.Getenv("GEOBACTER_REQUIRE"), ",") {
		if strings.TrimSpace(k) == kind {
			return true
		}
	}
	return false
}

// TestProbe checks that Probe reports the GPUs, or one unusable entry saying why there are none
// and what to do.
func TestProbe(t *testing.T) {
	infos := driver{}.Probe(context.Background())
	if len(infos) == 0 {
		t.Fatal("Probe returned nothing")
	}
	usable := false
	for _, in := range infos {
		if in.Kind != Kind {
			t.Errorf("kind %q", in.Kind)
		}
		if !in.Usable && (in.Reason == "" || in.Fix == "") {
			t.Errorf("unusable %+v without a reason and a fix", in)
		}
		usable = usable || in.Usable
		t.Logf("%+v", in)
	}
	if err := load(); err != nil {
		if !errors.Is(err, errNoLibrary) && !strings.Contains(infos[0].Reason, "cuInit") {
			t.Errorf("reason %q", infos[0].Reason)
		}
		if errors.Is(err, errNoLibrary) && !strings.HasPrefix(infos[0].Reason, "libcuda.so.1 not found: no NVIDIA driver") {
			t.Errorf("reason %q, want it to start with libcuda.so.1 not found: no NVIDIA driver", infos[0].Reason)
		}
	}
	if !usable && required(Kind) {
		t.Fatalf("no usable cuda device and GEOBACTER_REQUIRE names cuda: %s", infos[0].Reason)
	}
	if _, err := (driver{}).Open(context.Background(), len(infos)); err == nil {
		t.Error("Open of a device past the last did not fail")
	}
}

func TestTargetSM(t *testing.T) {
	for _, c := range []struct{ cc, sm int }{{70, 70}, {75, 75}, {86, 86}, {89, 89}, {90, 90}, {100, 90}, {120, 90}} {
		if got, err := TargetSM(c.cc); err != nil || got != c.sm {
			t.Errorf("TargetSM(%d) = %d, %v; want %d", c.cc, got, err, c.sm)
		}
	}
	if _, err := TargetSM(61); err == nil {
		t.Error("TargetSM(61) did not fail")
	}
	if _, err := Target(90, 11040, [3]int64{}); err == nil {
		t.Error("sm_90 under CUDA 11.4 did not fail: it reads PTX 7.4, sm_90 needs 7.8")
	}
}
