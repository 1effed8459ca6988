package testkernels

import (
	"context"

	"github.com/geobacter-go/geobacter/kernel"
)

func tableCases() []Case {
	return []Case{
		{Name: "lang/tables", Kernel: (*Tables)(nil), Run: runTables, Want: wantTables},
	}
}

// Read-only tables: unexported package-level variables of numbers, bools and arrays of them,
// initialised by constant expressions and written nowhere.
var (
	binomial = [5]float32{1, 4, 6, 4, 1}
	// A nested table with keyed and omitted (zero) elements, of a narrow signed type.
	offsets = [3][4]int16{{1, -2, 3, -4}, 2: {3: -32768, 0: 7}}
	sparse  = [8]uint64{3: 1 << 63, 7: 42}
	odd     = [4]bool{false, true, false, true}
	scaleBy = 2.5 // a scalar
)

// tables is what Tables computes for x: elements of each table at indices computed from x
// (dynamic indices) and at constant ones.
func tables(x int32) (float32, int64) {
	n := int(uint32(x))
	f := binomial[n%5]*float32(scaleBy) + binomial[2]
	v := int64(offsets[n%3][n%4]) + int64(offsets[2][3])
	if odd[n%4] {
		v += int64(sparse[n%8] >> 60)
	} else {
		v -= int64(sparse[7])
	}
	return f, v
}

// Tables reads read-only package-level tables.
type Tables struct {
	X   []int32
	F   []float32
	Int []int64
}

func (k *Tables) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.F[i], k.Int[i] = tables(k.X[i])
}

func tablesIn() []int32 {
	x := make([]int32, 100)
	for i := range x {
		x[i] = int32(i*7 - 50)
	}
	return x
}

func runTables(ctx context.Context, t *Target) (Outputs, error) {
	x := tablesIn()
	k := &Tables{X: upload(t, x), F: alloc[float32](t, len(x)), Int: alloc[int64](t, len(x))}
	err := launch(ctx, t, shape1(len(x), 32).grid(), k)
	return Outputs{"f": k.F, "int": k.Int}, err
}

func wantTables() Outputs {
	x := tablesIn()
	f, v := make([]float32, len(x)), make([]int64, len(x))
	for i := range x {
		f[i], v[i] = tables(x[i])
	}
	return Outputs{"f": f, "int": v}
}
