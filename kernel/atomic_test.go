package kernel_test

import (
	"math"
	"sync"
	"testing"

	"github.com/geobacter-go/geobacter/kernel"
)

func TestAtomicAddConcurrent(t *testing.T) {
	var f32 float32
	var f64 float64
	var wg sync.WaitGroup
	const goroutines, adds = 8, 2000
	for range goroutines {
		wg.Go(func() {
			for range adds {
				kernel.AtomicAddFloat32(&f32, 0.5)
				kernel.AtomicAddFloat64(&f64, 0.25)
			}
		})
	}
	wg.Wait()
	if f32 != goroutines*adds*0.5 || f64 != goroutines*adds*0.25 {
		t.Fatalf("sums %v, %v: updates were lost", f32, f64)
	}
	if got := kernel.AtomicAddFloat32(&f32, 1); got != f32 || got != goroutines*adds*0.5+1 {
		t.Fatalf("AtomicAddFloat32 returned %v, want the new value %v", got, f32)
	}
}

func TestAtomicMinMaxConcurrent(t *testing.T) {
	lo32, hi32 := float32(math.Inf(1)), float32(math.Inf(-1))
	lo64, hi64 := math.Inf(1), math.Inf(-1)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				v := float64((i*7919+g*104729)%20001 - 10000)
				kernel.AtomicMinFloat32(&lo32, float32(v))
				kernel.AtomicMaxFloat32(&hi32, float32(v))
				kernel.AtomicMinFloat64(&lo64, v)
				kernel.AtomicMaxFloat64(&hi64, v)
			}
		})
	}
	wg.Wait()
	// Compute the expected extremes serially.
	wantLo, wantHi := math.Inf(1), math.Inf(-1)
	for g := range 8 {
		for i := range 1000 {
			v := float64((i*7919+g*104729)%20001 - 10000)
			wantLo, wantHi = min(wantLo, v), max(wantHi, v)
		}
	}
	if float64(lo32) != wantLo || float64(hi32) != wantHi || lo64 != wantLo || hi64 != wantHi {
		t.Fatalf("min/max = %v %v %v %v, want %v %v", lo32, hi32, lo64, hi64, wantLo, wantHi)
	}
}

func TestAtomicMinMaxSemantics(t *testing.T) {
	nan := math.NaN()
	negZero := math.Copysign(0, -1)
	for _, tc := range []struct {
		name             string
		old, v           float64
		wantMin, wantMax float64
	}{
		{"ordinary", 1, 2, 1, 2},
		{"nan old", nan, 2, nan, nan},
		{"nan arg", 1, nan, nan, nan},
		{"zeros", 0, negZero, negZero, 0},
		{"zeros reversed", negZero, 0, negZero, 0},
		{"inf", math.Inf(-1), math.Inf(1), math.Inf(-1), math.Inf(1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			same := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) || (a != a && b != b) }
			p := tc.old
			if old := kernel.AtomicMinFloat64(&p, tc.v); !same(old, tc.old) || !same(p, tc.wantMin) {
				t.Errorf("AtomicMinFloat64(%v, %v): old %v, stored %v, want %v", tc.old, tc.v, old, p, tc.wantMin)
			}
			p = tc.old
			if kernel.AtomicMaxFloat64(&p, tc.v); !same(p, tc.wantMax) {
				t.Errorf("AtomicMaxFloat64(%v, %v) stored %v, want %v", tc.old, tc.v, p, tc.wantMax)
			}
			q := float32(tc.old)
			if kernel.AtomicMinFloat32(&q, float32(tc.v)); !same(float64(q), tc.wantMin) {
				t.Errorf("AtomicMinFloat32(%v, %v) stored %v, want %v", tc.old, tc.v, q, tc.wantMin)
			}
			q = float32(tc.old)
			if kernel.AtomicMaxFloat32(&q, float32(tc.v)); !same(float64(q), tc.wantMax) {
				t.Errorf("AtomicMaxFloat32(%v, %v) stored %v, want %v", tc.old, tc.v, q, tc.wantMax)
			}
		})
	}
}
