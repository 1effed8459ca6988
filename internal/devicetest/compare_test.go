package devicetest

import (
	"math"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/geobacter-go/geobacter/internal/testkernels"
)

var (
	negZero64 = math.Copysign(0, -1)
	negZero32 = float32(negZero64)
	inf       = math.Inf(1)
	nan1      = math.Float64frombits(0x7ff8_0000_0000_0001)
	nan2      = math.Float64frombits(0xfff8_dead_0000_0000)
)

func TestFloats64Match(t *testing.T) {
	one := 1.0
	for _, tc := range []struct {
		name      string
		want, got float64
		ulp       int
		match     bool
	}{
		{"equal", 1.5, 1.5, 0, true},
		{"NaN matches any NaN, bit-exact", nan1, nan2, 0, true},
		{"NaN does not match a number", nan1, 1, 4, false},
		{"a number does not match NaN", 1, nan1, 4, false},
		{"-0 is not +0 bit-exact", negZero64, 0, 0, false},
		{"+0 is not -0 bit-exact", 0, negZero64, 0, false},
		{"-0 is +0 within 1 ULP", negZero64, 0, 1, true},
		{"next float bit-exact", one, math.Nextafter(one, 2), 0, false},
		{"next float within 1 ULP", one, math.Nextafter(one, 2), 1, true},
		{"next float below within 1 ULP", one, math.Nextafter(one, 0), 1, true},
		{"two floats up within 1 ULP", one, math.Nextafter(math.Nextafter(one, 2), 2), 1, false},
		{"across zero: ±smallest are 2 ULP apart, not 1", math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 1, false},
		{"across zero: ±smallest within 2 ULP", math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 2, true},
		{"across zero: 0 and -smallest within 1 ULP", 0, -math.SmallestNonzeroFloat64, 1, true},
		{"+Inf is not MaxFloat64, even 1 ULP away", inf, math.MaxFloat64, 1, false},
		{"MaxFloat64 is not +Inf", math.MaxFloat64, inf, 1, false},
		{"+Inf matches +Inf", inf, inf, 1, true},
		{"-Inf is not +Inf with a huge tolerance", -inf, inf, math.MaxInt, false},
		{"opposite signs far apart", 1, -1, 1000, false},
		{"within a large tolerance", 1e10, math.Float64frombits(math.Float64bits(1e10) + 1000), 1000, true},
		{"beyond a large tolerance", 1e10, math.Float64frombits(math.Float64bits(1e10) + 1001), 1000, false},
	} {
		if got := floats64Match(tc.want, tc.got, tc.ulp); got != tc.match {
			t.Errorf("%s: floats64Match(%v, %v, %d) = %v; want %v", tc.name, tc.want, tc.got, tc.ulp, got, tc.match)
		}
	}
}

func TestFloats32Match(t *testing.T) {
	one := float32(1)
	smallest := float32(math.SmallestNonzeroFloat32)
	for _, tc := range []struct {
		name      string
		want, got float32
		ulp       int
		match     bool
	}{
		{"equal", 1.5, 1.5, 0, true},
		{"NaN matches any NaN", math.Float32frombits(0x7fc0_0001), math.Float32frombits(0xffc0_1234), 0, true},
		{"NaN does not match a number", float32(math.NaN()), 1, 4, false},
		{"-0 is not +0 bit-exact", negZero32, 0, 0, false},
		{"-0 is +0 within 1 ULP", negZero32, 0, 1, true},
		{"next float32 within 1 ULP", one, math.Nextafter32(one, 2), 1, true},
		{"two float32s up within 1 ULP", one, math.Nextafter32(math.Nextafter32(one, 2), 2), 1, false},
		{"float32 ULPs, not float64's", one, one + 0x1p-23, 1, true},
		{"across zero: ±smallest are 2 ULP apart", smallest, -smallest, 1, false},
		{"across zero: ±smallest within 2 ULP", smallest, -smallest, 2, true},
		{"+Inf is not MaxFloat32", float32(inf), math.MaxFloat32, 1, false},
		{"-Inf matches -Inf", float32(-inf), float32(-inf), 0, true},
	} {
		if got := floats32Match(tc.want, tc.got, tc.ulp); got != tc.match {
			t.Errorf("%s: floats32Match(%v, %v, %d) = %v; want %v", tc.name, tc.want, tc.got, tc.ulp, got, tc.match)
		}
	}
}

func TestOrderedIsMonotonic(t *testing.T) {
	sorted := []float64{-inf, -math.MaxFloat64, -1, -math.SmallestNonzeroFloat64, 0, math.SmallestNonzeroFloat64, 1, math.MaxFloat64, inf}
	for i := 1; i < len(sorted); i++ {
		if a, b := ordered64(sorted[i-1]), ordered64(sorted[i]); a >= b {
			t.Errorf("ordered64(%v) = %d is not below ordered64(%v) = %d", sorted[i-1], a, sorted[i], b)
		}
		if a, b := ordered32(float32(sorted[i-1])), ordered32(float32(sorted[i])); a >= b && float32(sorted[i-1]) != float32(sorted[i]) {
			t.Errorf("ordered32(%v) = %d is not below ordered32(%v) = %d", float32(sorted[i-1]), a, float32(sorted[i]), b)
		}
	}
	if ordered64(negZero64) != ordered64(0) || ordered32(negZero32) != ordered32(0) {
		t.Errorf("-0 and +0 order differently")
	}
	if d := ulpDistance(ordered64(-math.MaxFloat64), ordered64(math.MaxFloat64)); d != 2*(0x7fef_ffff_ffff_ffff) {
		t.Errorf("ulpDistance(-MaxFloat64, MaxFloat64) = %d; want %d", d, uint64(2*0x7fef_ffff_ffff_ffff))
	}
}

// particle is a struct output with nested structs and arrays.
type particle struct {
	Pos  struct{ X, Y float32 }
	Tags [2]uint8
	Ok   bool
}

// counters is a struct output with fields of sync/atomic types, whose values are unexported.
type counters struct {
	Hits atomic.Int64
}

func countersOf(v ...int64) []counters {
	c := make([]counters, len(v))
	for i, x := range v {
		c[i].Hits.Store(x)
	}
	return c
}

func TestCompareOutputs(t *testing.T) {
	p := particle{Pos: struct{ X, Y float32 }{1, 2}, Tags: [2]uint8{3, 4}, Ok: true}
	pY, pTag, pOk := p, p, p
	pY.Pos.Y = 2.5
	pTag.Tags[1] = 9
	pOk.Ok = false
	pNaN, pNaN2 := p, p
	pNaN.Pos.X = float32(math.NaN())
	pNaN2.Pos.X = math.Float32frombits(0xffc0_0042)
	pNegZero, pZero := p, p
	pNegZero.Pos.X, pZero.Pos.X = negZero32, 0

	for _, tc := range []struct {
		name      string
		want, got testkernels.Outputs
		ulp       int
		diffs     []string // the differences' paths, in order
	}{
		{"equal", testkernels.Outputs{"a": []int32{1, 2}, "b": []bool{true}}, testkernels.Outputs{"a": []int32{1, 2}, "b": []bool{true}}, 0, nil},
		{"integer", testkernels.Outputs{"a": []int64{1, 2, 3}}, testkernels.Outputs{"a": []int64{1, 2, 4}}, 0, []string{"a[2]"}},
		{"integers are exact with a ULP tolerance", testkernels.Outputs{"a": []uint8{1}}, testkernels.Outputs{"a": []uint8{2}}, 4, []string{"a[0]"}},
		{"bool", testkernels.Outputs{"b": []bool{true, false}}, testkernels.Outputs{"b": []bool{true, true}}, 0, []string{"b[1]"}},
		{"length", testkernels.Outputs{"a": []int32{1, 2}}, testkernels.Outputs{"a": []int32{1, 2, 0}}, 0, []string{"a"}},
		{"empty and nil slices are equal", testkernels.Outputs{"a": []int32{}}, testkernels.Outputs{"a": []int32(nil)}, 0, nil},
		{"type", testkernels.Outputs{"a": []int32{1}}, testkernels.Outputs{"a": []int64{1}}, 0, []string{"a"}},
		{"missing output", testkernels.Outputs{"a": []int32{1}, "b": []int32{1}}, testkernels.Outputs{"a": []int32{1}}, 0, []string{"b"}},
		{"extra output", testkernels.Outputs{"a": []int32{1}}, testkernels.Outputs{"a": []int32{1}, "z": []int32{1}}, 0, []string{"z"}},
		{"nil output", testkernels.Outputs{"a": []int32{1}}, testkernels.Outputs{"a": nil}, 0, []string{"a"}},
		{"nested arrays", testkernels.Outputs{"m": [][2][3]int16{{{1, 2, 3}, {4, 5, 6}}}}, testkernels.Outputs{"m": [][2][3]int16{{{1, 2, 3}, {4, 0, 6}}}}, 0, []string{"m[0][1][1]"}},
		{"struct field", testkernels.Outputs{"p": []particle{p, p}}, testkernels.Outputs{"p": []particle{p, pY}}, 0, []string{"p[1].Pos.Y"}},
		{"struct array field", testkernels.Outputs{"p": []particle{p}}, testkernels.Outputs{"p": []particle{pTag}}, 0, []string{"p[0].Tags[1]"}},
		{"struct bool field", testkernels.Outputs{"p": []particle{p}}, testkernels.Outputs{"p": []particle{pOk}}, 0, []string{"p[0].Ok"}},
		{"NaN in a struct matches NaN", testkernels.Outputs{"p": []particle{pNaN}}, testkernels.Outputs{"p": []particle{pNaN2}}, 0, nil},
		{"NaN in a struct does not match a number", testkernels.Outputs{"p": []particle{pNaN}}, testkernels.Outputs{"p": []particle{p}}, 0, []string{"p[0].Pos.X"}},
		{"-0 in a struct, bit-exact", testkernels.Outputs{"p": []particle{pNegZero}}, testkernels.Outputs{"p": []particle{pZero}}, 0, []string{"p[0].Pos.X"}},
		{"-0 in a struct, within 1 ULP", testkernels.Outputs{"p": []particle{pNegZero}}, testkernels.Outputs{"p": []particle{pZero}}, 1, nil},
		{"float64 -0", testkernels.Outputs{"f": []float64{negZero64}}, testkernels.Outputs{"f": []float64{0}}, 0, []string{"f[0]"}},
		{"float64 within ULP", testkernels.Outputs{"f": []float64{1}}, testkernels.Outputs{"f": []float64{math.Nextafter(1, 2)}}, 1, nil},
		{"sync/atomic fields equal", testkernels.Outputs{"c": countersOf(1, 2)}, testkernels.Outputs{"c": countersOf(1, 2)}, 0, nil},
		{"sync/atomic fields differ", testkernels.Outputs{"c": countersOf(1, 2)}, testkernels.Outputs{"c": countersOf(1, 3)}, 0, []string{"c[1].Hits.v"}},
		{"an unsupported kind is a difference", testkernels.Outputs{"s": []string{"x"}}, testkernels.Outputs{"s": []string{"x"}}, 0, []string{"s[0]"}},
		{"several outputs in name order", testkernels.Outputs{"b": []int8{1}, "a": []int8{1}}, testkernels.Outputs{"b": []int8{2}, "a": []int8{2}}, 0, []string{"a[0]", "b[0]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diffs, total := compareOutputs(tc.want, tc.got, tc.ulp, 100)
			var paths []string
			for _, d := range diffs {
				paths = append(paths, d.path)
			}
			if strings.Join(paths, " ") != strings.Join(tc.diffs, " ") || total != len(tc.diffs) {
				t.Errorf("differences at %q (%d in all); want %q", paths, total, tc.diffs)
			}
		})
	}
}

func TestCompareOutputsLimit(t *testing.T) {
	want := testkernels.Outputs{"a": make([]int32, 50)}
	got := testkernels.Outputs{"a": make([]int32, 50)}
	for i := range 50 {
		got["a"].([]int32)[i] = int32(i) + 1
	}
	diffs, total := compareOutputs(want, got, 0, 3)
	if len(diffs) != 3 || total != 50 {
		t.Fatalf("got %d differences of %d; want 3 of 50", len(diffs), total)
	}
	if diffs[0].path != "a[0]" || diffs[2].path != "a[2]" {
		t.Errorf("kept %v; want the first three", diffs)
	}
}

func TestDiffShowsBothValues(t *testing.T) {
	for _, tc := range []struct {
		want, got testkernels.Outputs
		text      string
	}{
		{testkernels.Outputs{"f": []float64{negZero64}}, testkernels.Outputs{"f": []float64{0}},
			"f[0]: want -0 (0x8000000000000000), got 0 (0x0000000000000000)"},
		{testkernels.Outputs{"f": []float32{1}}, testkernels.Outputs{"f": []float32{float32(math.NaN())}},
			"f[0]: want 1 (0x3f800000), got NaN (0x7fc00000)"},
		{testkernels.Outputs{"i": []int8{-1}}, testkernels.Outputs{"i": []int8{1}}, "i[0]: want -1, got 1"},
		{testkernels.Outputs{"u": []uint16{255}}, testkernels.Outputs{"u": []uint16{1}}, "u[0]: want 255 (0xff), got 1 (0x1)"},
		{testkernels.Outputs{"a": []int32{1}}, testkernels.Outputs{"a": []int32{1, 2}}, "a: want length 1, got length 2"},
	} {
		diffs, _ := compareOutputs(tc.want, tc.got, 0, 1)
		if len(diffs) != 1 || diffs[0].String() != tc.text {
			t.Errorf("differences %v; want %q", diffs, tc.text)
		}
	}
}
