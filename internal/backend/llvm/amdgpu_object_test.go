package llvm

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// TestMsgpack checks the msgpack reader on the encodings the AMDGPU metadata uses.
func TestMsgpack(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		want any
	}{
		{[]byte{0x05}, int64(5)},
		{[]byte{0xff}, int64(-1)},
		{[]byte{0xcc, 0xc8}, uint64(200)},
		{[]byte{0xcd, 0x01, 0x00}, uint64(256)},
		{[]byte{0xd1, 0xff, 0x00}, int64(-256)},
		{[]byte{0xc3}, true},
		{[]byte{0xa3, 'a', 'b', 'c'}, "abc"},
		{[]byte{0xd9, 0x01, 'x'}, "x"},
		{[]byte{0x92, 0x01, 0xc2}, []any{int64(1), false}},
		{[]byte{0x81, 0xa1, 'k', 0xc0}, map[string]any{"k": nil}},
		{[]byte{0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0}, 1.0},
	} {
		got, err := decodeMsgpack(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("decode % x = %#v, %v; want %#v", c.in, got, err, c.want)
		}
	}
	for _, bad := range [][]byte{{}, {0xa3, 'a'}, {0x92, 0x01}, {0xc1}, {0xdd, 0xff, 0xff, 0xff, 0xff}} {
		if _, err := decodeMsgpack(bad); err == nil {
			t.Errorf("decode % x did not fail", bad)
		}
	}
}

// saxpyCodeObject compiles testdata/saxpy.ir for gfx90a into a code object.
func saxpyCodeObject(t *testing.T) []byte {
	src, err := os.ReadFile("testdata/saxpy.ir")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ir.Parse(string(src))
	if err != nil {
		t.Fatal(err)
	}
	g, err := AMDGPU("gfx90a", "", [3]int64{})
	if err != nil {
		t.Fatal(err)
	}
	text, err := Emit(m, &g.Target)
	if err != nil {
		t.Fatal(err)
	}
	tools := findGPUTools(t, "amdgcn")
	co, err := tools.compileAMDGPU(g, text, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return co
}

// TestReadCodeObject reads back saxpy's code object (with -update, also kept as
// testdata/saxpy.gfx90a.co, the fuzz target's seed).
func TestReadCodeObject(t *testing.T) {
	data := saxpyCodeObject(t)
	if *update {
		if err := os.WriteFile("testdata/saxpy.gfx90a.co", data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	co, err := ReadCodeObject(data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(co.Target, "amdgcn-amd-amdhsa--gfx90a") || len(co.Kernels) != 1 {
		t.Fatalf("code object %+v", co)
	}
	k := co.Kernels[0]
	if k.Name != "geobacter_main_Saxpy_Kernel" || k.Args[0].Size != 56 || k.Args[1].Offset != 56 || k.WavefrontSize != 64 {
		t.Errorf("kernel %+v", k)
	}
	if _, err := ReadCodeObject([]byte("\x7fELF")); err == nil {
		t.Error("a truncated ELF did not fail")
	}
}

// FuzzReadCodeObject feeds mutated code objects to the reader, which must not panic.
func FuzzReadCodeObject(f *testing.F) {
	if matches, _ := filepath.Glob("testdata/*.co"); len(matches) > 0 {
		for _, m := range matches {
			if b, err := os.ReadFile(m); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte{0x81, 0xa1, 'k', 0x92, 0x01, 0xc2})
	f.Fuzz(func(t *testing.T, b []byte) {
		ReadCodeObject(b)
		decodeMsgpack(b)
	})
}
