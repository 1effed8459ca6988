package cpu_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/internal/device/cpu"
	"github.com/geobacter-go/geobacter/internal/devicetest"
	"github.com/geobacter-go/geobacter/kernel"
)

// Scaled multiplies each element by Factor and adds Shift, both baked into the compiled code.
type Scaled struct {
	Factor float32 `geobacter:"const"`
	Shift  int32   `geobacter:"const"`
	Out    []float32
}

// Kernel computes one element.
func (k *Scaled) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = k.Out[i]*k.Factor + float32(k.Shift)
}

// TestConstFields checks that each set of values of a kernel's const fields is compiled once and
// computes with its own values.
func TestConstFields(t *testing.T) {
	dev := devicetest.Open(t, "cpu")
	ctx := context.Background()
	before := cpu.Programs(reflect.TypeFor[*Scaled]())
	for _, c := range []struct {
		factor float32
		shift  int32
	}{{2, 1}, {-0.5, 7}, {2, 1}, {2, -3}} {
		out := []float32{1, 2, 3, 4, 5}
		if err := geobacter.Launch(ctx, dev, geobacter.Grid1(len(out)), &Scaled{Factor: c.factor, Shift: c.shift, Out: out}); err != nil {
			t.Fatal(err)
		}
		for i, got := range out {
			if want := float32(i+1)*c.factor + float32(c.shift); got != want {
				t.Errorf("factor %v shift %v: out[%d] = %v, want %v", c.factor, c.shift, i, got, want)
			}
		}
	}
	if got := cpu.Programs(reflect.TypeFor[*Scaled]()) - before; got != 3 {
		t.Errorf("%d programs compiled for 3 distinct sets of const values", got)
	}
}

// BadConst has a const field that is not a scalar.
type BadConst struct {
	Table [4]int32 `geobacter:"const"`
	Out   []int32
}

// Kernel copies the table.
func (k *BadConst) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = k.Table[i%4]
}

// TestConstFieldNotScalar checks that a const field of an array type is reported at launch.
func TestConstFieldNotScalar(t *testing.T) {
	dev := devicetest.Open(t, "cpu")
	err := geobacter.Launch(context.Background(), dev, geobacter.Grid1(4), &BadConst{Out: make([]int32, 4)})
	if err == nil || !strings.Contains(err.Error(), "only scalars can be specialised") || !strings.Contains(err.Error(), "Table") {
		t.Fatalf("launch of a kernel with an array const field: %v; want an error naming Table and saying only scalars can be specialised", err)
	}
}

// TestUnchecked checks that a launch without checks is its own program and computes the same.
func TestUnchecked(t *testing.T) {
	dev := devicetest.Open(t, "cpu")
	ctx := context.Background()
	x := []float32{1, 2, 3, 4}
	y1 := []float32{1, 1, 1, 1}
	y2 := append([]float32(nil), y1...)
	before := cpu.Programs(reflect.TypeFor[*Saxpy]())
	if err := geobacter.Launch(ctx, dev, geobacter.Grid1(4), &Saxpy{A: 3, X: x, Y: y1}); err != nil {
		t.Fatal(err)
	}
	if err := geobacter.Launch(ctx, dev, geobacter.Grid1(4), &Saxpy{A: 3, X: x, Y: y2}, geobacter.Unchecked()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(y1, y2) || y1[3] != 13 {
		t.Errorf("checked %v, unchecked %v; want both [4 7 10 13]", y1, y2)
	}
	if got := cpu.Programs(reflect.TypeFor[*Saxpy]()) - before; got != 2 {
		t.Errorf("%d programs for a checked and an unchecked launch, want 2", got)
	}
}
