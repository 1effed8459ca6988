package devicetest

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/internal/testkernels"
)

// diff is one difference between an expected and an actual output.
type diff struct {
	path      string // where: "out[3].Pos.X"
	want, got string
}

func (d diff) String() string { return fmt.Sprintf("%s: want %s, got %s", d.path, d.want, d.got) }

// comparison collects the differences of one comparison.
type comparison struct {
	ulp   int    // float tolerance, in units in the last place; 0: bit-exact
	limit int    // differences kept; the rest are only counted
	diffs []diff // the first limit differences
	total int    // all differences
}

// compareOutputs compares got with want: the same names, and for each the same type and values.
// It returns the first limit differences and the number of all of them.
func compareOutputs(want, got testkernels.Outputs, ulp, limit int) ([]diff, int) {
	c := &comparison{ulp: ulp, limit: limit}
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		w, inWant := want[name]
		g, inGot := got[name]
		switch {
		case !inGot:
			c.add(name, "an output", "none")
		case !inWant:
			c.add(name, "no such output", "one")
		default:
			c.value(name, reflect.ValueOf(w), reflect.ValueOf(g))
		}
	}
	return c.diffs, c.total
}

func (c *comparison) add(path, want, got string) {
	c.total++
	if len(c.diffs) < c.limit {
		c.diffs = append(c.diffs, diff{path, want, got})
	}
}

// value compares w and g, which are at path, element by element and field by field.
func (c *comparison) value(path string, w, g reflect.Value) {
	if !w.IsValid() || !g.IsValid() || w.Type() != g.Type() {
		c.add(path, typeName(w), typeName(g))
		return
	}
	switch w.Kind() {
	case reflect.Bool:
		if w.Bool() != g.Bool() {
			c.add(path, show(w), show(g))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if w.Int() != g.Int() {
			c.add(path, show(w), show(g))
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if w.Uint() != g.Uint() {
			c.add(path, show(w), show(g))
		}
	case reflect.Float32:
		if !floats32Match(float32(w.Float()), float32(g.Float()), c.ulp) {
			c.add(path, show(w), show(g))
		}
	case reflect.Float64:
		if !floats64Match(w.Float(), g.Float(), c.ulp) {
			c.add(path, show(w), show(g))
		}
	case reflect.Array:
		for i := range w.Len() {
			c.value(path+"["+strconv.Itoa(i)+"]", w.Index(i), g.Index(i))
		}
	case reflect.Slice:
		if w.Len() != g.Len() {
			c.add(path, fmt.Sprintf("length %d", w.Len()), fmt.Sprintf("length %d", g.Len()))
			return
		}
		for i := range w.Len() {
			c.value(path+"["+strconv.Itoa(i)+"]", w.Index(i), g.Index(i))
		}
	case reflect.Struct:
		for i := range w.NumField() {
			c.value(path+"."+w.Type().Field(i).Name, w.Field(i), g.Field(i))
		}
	default:
		c.add(path, "a comparable output (numbers, bools, arrays, slices and structs of them)", "a "+w.Type().String())
	}
}

func typeName(v reflect.Value) string {
	if !v.IsValid() {
		return "nil"
	}
	return "a " + v.Type().String()
}

// show formats a leaf value; floats with their bits, so that -0 and NaN payloads show.
func show(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Float32:
		f := float32(v.Float())
		return fmt.Sprintf("%s (%#08x)", strconv.FormatFloat(float64(f), 'g', -1, 32), math.Float32bits(f))
	case reflect.Float64:
		return fmt.Sprintf("%s (%#016x)", strconv.FormatFloat(v.Float(), 'g', -1, 64), math.Float64bits(v.Float()))
	}
	return fmt.Sprintf("%d (%#x)", v.Uint(), v.Uint())
}

// floats64Match reports whether got is close enough to want: both NaN (any NaN); or, with ulp 0,
// the same bits (so -0 differs from +0); or the same infinity; or at most ulp representable values
// apart, across zero, with -0 and +0 equal.
func floats64Match(want, got float64, ulp int) bool {
	switch {
	case math.IsNaN(want) || math.IsNaN(got):
		return math.IsNaN(want) && math.IsNaN(got)
	case ulp == 0:
		return math.Float64bits(want) == math.Float64bits(got)
	case math.IsInf(want, 0) || math.IsInf(got, 0):
		return want == got
	}
	return ulpDistance(ordered64(want), ordered64(got)) <= uint64(ulp)
}

// floats32Match is floats64Match for float32, whose ULPs are float32's.
func floats32Match(want, got float32, ulp int) bool {
	w, g := float64(want), float64(got)
	switch {
	case math.IsNaN(w) || math.IsNaN(g):
		return math.IsNaN(w) && math.IsNaN(g)
	case ulp == 0:
		return math.Float32bits(want) == math.Float32bits(got)
	case math.IsInf(w, 0) || math.IsInf(g, 0):
		return w == g
	}
	return ulpDistance(ordered32(want), ordered32(got)) <= uint64(ulp)
}

// ordered64 maps a non-NaN float64 to an integer with the same order, consecutive floats to
// consecutive integers, and both zeros to 0.
func ordered64(f float64) int64 {
	b := math.Float64bits(f)
	if b>>63 != 0 {
		return -int64(b &^ (1 << 63))
	}
	return int64(b)
}

// ordered32 is ordered64 for float32.
func ordered32(f float32) int64 {
	b := math.Float32bits(f)
	if b>>31 != 0 {
		return -int64(b &^ (1 << 31))
	}
	return int64(b)
}

// ulpDistance is |a - b|, without overflow.
func ulpDistance(a, b int64) uint64 {
	if a < b {
		a, b = b, a
	}
	return uint64(a) - uint64(b)
}

// report fails t with the first differences between want and got, if any.
func report(t testing.TB, against string, want, got testkernels.Outputs, ulp int) {
	t.Helper()
	diffs, total := compareOutputs(want, got, ulp, maxReported)
	if total == 0 {
		return
	}
	lines := make([]string, len(diffs))
	for i, d := range diffs {
		lines[i] = "\t" + d.String()
	}
	more := ""
	if total > len(diffs) {
		more = fmt.Sprintf("\n\t... and %d more", total-len(diffs))
	}
	tolerance := "bit-exact"
	if ulp > 0 {
		tolerance = fmt.Sprintf("within %d ULP", ulp)
	}
	t.Errorf("%d difference(s) from %s (%s):\n%s%s", total, against, tolerance, strings.Join(lines, "\n"), more)
}

// maxReported is the number of differences a failing case shows.
const maxReported = 8
