//go:build geobacter_vulkan_e2e

package spirv

// An end-to-end test on a real Vulkan device (lavapipe in CI): every corpus kernel, emitted and
// run through internal/device/vulkan/vk with random inputs, must give the bytes the IR
// interpreter (ir.Run) gives. It depends on the vk package's API, so it builds only with
//
//	go test -tags geobacter_vulkan_e2e -run TestVulkanCorpus ./internal/backend/spirv

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/device/vulkan/vk"
	"github.com/geobacter-go/geobacter/internal/ir"
)

type e2eBuf struct {
	t    ir.Type
	n    int
	host []byte // interp memory
	dev  *vk.Allocation
}

func fillRand(r *rand.Rand, t ir.Type, b []byte) {
	switch t := t.(type) {
	case *ir.Basic:
		var v uint64
		switch {
		case t.Kind == ir.Bool:
			v = uint64(r.Intn(2))
		case t.Kind == ir.Float32:
			v = uint64(math.Float32bits(float32(r.Intn(64)-32) / 4))
		case t.Kind == ir.Float64:
			v = math.Float64bits(float64(r.Intn(64)-32) / 4)
		case t.IsSigned():
			v = uint64(int64(r.Intn(16) - 4))
		default:
			v = uint64(r.Intn(16))
		}
		for i := range int(t.Size()) {
			b[i] = byte(v >> (8 * i))
		}
	case *ir.Array:
		for i := range int(t.Len) {
			fillRand(r, t.Elem, b[i*int(t.Elem.Size()):])
		}
	case *ir.Struct:
		for _, f := range t.Fields {
			fillRand(r, f.Type, b[f.Offset:])
		}
	}
}

type e2eDev struct {
	d *vk.Device
}

var e2e *e2eDev

func e2eDevice(t *testing.T) *vk.Device {
	if e2e != nil {
		return e2e.d
	}
	in, err := vk.NewInstance()
	if err != nil {
		t.Skip(err)
	}
	pds, err := in.PhysicalDevices()
	if err != nil || len(pds) == 0 {
		t.Skip("no device")
	}
	var pd *vk.PhysicalDevice
	for _, p := range pds {
		if strings.Contains(p.Name, "llvmpipe") {
			pd = p
		}
	}
	if pd == nil {
		pd = pds[0]
	}
	f := pd.Features
	f.ShaderFloat16 = false
	f.VariablePointers, f.VariablePointersStorageBuffer = false, false
	d, err := vk.NewDevice(pd, vk.DeviceOptions{Features: f})
	if err != nil {
		t.Fatal(err)
	}
	e2e = &e2eDev{d: d}
	return d
}

func runE2E(t *testing.T, name string, m *ir.Module, k *ir.Func, tg *Target, global, local [3]int, seed int64) {
	runE2EFill(t, name, m, k, tg, global, local, seed, nil, nil)
}

// runE2EFill is runE2E with the initial contents of element j of the memory of field i given by
// fill (when not nil) instead of random values.
// same, when not nil, says whether the interpreter's and the device's bytes of an element of
// buffer bi are equivalent.
func runE2EFill(t *testing.T, name string, m *ir.Module, k *ir.Func, tg *Target, global, local [3]int, seed int64,
	fill func(i, j int, b []byte), same func(bi int, h, g []byte) bool) {
	d := e2eDevice(t)
	kk, err := Emit(m, k, tg)
	if err != nil {
		if _, ok := rejected[shortName(k.Name)]; !ok {
			t.Errorf("%s: %v", name, err)
		}
		return
	}
	r := rand.New(rand.NewSource(seed))
	args := k.ArgsType()
	n := 1024
	var bufs []*e2eBuf
	hostArgs := make([]uint64, (args.Size()+7)/8+1)
	ha := unsafe.Slice((*byte)(unsafe.Pointer(&hostArgs[0])), len(hostArgs)*8)
	devArgs := make([]byte, args.Size())
	fillRand(r, args, ha)
	for i, f := range args.Fields {
		var et ir.Type
		cnt := n
		switch ft := f.Type.(type) {
		case *ir.Slice:
			et = ft.Elem
		case *ir.Pointer:
			et, cnt = ft.Elem, 1
		default:
			continue
		}
		size := int(et.Size()) * cnt
		b := &e2eBuf{t: et, n: cnt, host: make([]byte, size+8)}
		for j := range cnt {
			if fill != nil {
				fill(i, j, b.host[j*int(et.Size()):])
			} else {
				fillRand(r, et, b.host[j*int(et.Size()):])
			}
		}
		b.dev, err = d.Alloc(vk.HostVisible, uint64(size+8))
		if err != nil {
			t.Fatal(err)
		}
		copy(b.dev.Bytes(), b.host)
		bufs = append(bufs, b)
		hp := uint64(uintptr(unsafe.Pointer(&b.host[0])))
		binary.LittleEndian.PutUint64(ha[f.Offset:], hp)
		if _, ok := f.Type.(*ir.Slice); ok {
			binary.LittleEndian.PutUint64(ha[f.Offset+8:], uint64(cnt))
			binary.LittleEndian.PutUint64(ha[f.Offset+16:], uint64(cnt))
		}
	}
	copy(devArgs, ha[:args.Size()])
	bi := 0
	for _, f := range args.Fields {
		switch f.Type.(type) {
		case *ir.Slice, *ir.Pointer:
			binary.LittleEndian.PutUint64(devArgs[f.Offset:], bufs[bi].dev.Address)
			bi++
		}
	}
	// Oracle.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ierr := ir.Run(ctx, k, ir.Grid{Global: global, Local: local}, unsafe.Pointer(&hostArgs[0]))
	// Device.
	rec, _ := d.Alloc(vk.HostVisible, 64)
	clear(rec.Bytes())
	le := binary.LittleEndian
	var push []byte
	push = le.AppendUint64(push, rec.Address)
	var groups [3]uint32
	for i := range 3 {
		push = le.AppendUint32(push, uint32(global[i]))
	}
	for i := range 3 {
		groups[i] = uint32((global[i] + local[i] - 1) / local[i])
		push = le.AppendUint32(push, groups[i])
	}
	for i := range 3 {
		push = le.AppendUint32(push, uint32(local[i]))
	}
	push = append(push, make([]byte, PushArgsOffset-len(push))...) // the group base: 0, one dispatch
	if kk.ArgsInline {
		push = append(push, devArgs...)
	} else {
		ab, _ := d.Alloc(vk.HostVisible, uint64(len(devArgs)+8))
		copy(ab.Bytes(), devArgs)
		push = le.AppendUint64(push, ab.Address)
	}
	for len(push)%4 != 0 {
		push = append(push, 0)
	}
	sm, err := d.NewShaderModule(kk.Words)
	if err != nil {
		t.Errorf("%s: module: %v", name, err)
		return
	}
	ps := uint32(len(push))
	p, err := d.NewPipeline(sm, vk.PipelineOptions{PushConstantSize: ps, GroupSize: [3]uint32{uint32(local[0]), uint32(local[1]), uint32(local[2])}})
	if err != nil {
		t.Errorf("%s: pipeline: %v", name, err)
		return
	}
	j, err := d.Run(ctx, &vk.Launch{PushConstants: push, Dispatches: []vk.Dispatch{{Pipeline: p, Count: groups}}})
	if err == nil {
		err = j.Wait(ctx)
	}
	if err != nil {
		t.Errorf("%s: run: %v", name, err)
		return
	}
	rb := rec.Bytes()
	var derr string
	if le.Uint32(rb) != 0 {
		site := le.Uint32(rb[4:])
		x, y := int64(le.Uint64(rb[8:])), int64(le.Uint64(rb[16:]))
		if site == 0 || int(site) > len(kk.Sites) {
			derr = fmt.Sprintf("bad site %d", site)
		} else {
			derr = kk.Sites[site-1].Message(x, y)
		}
	}
	ie := ""
	if ierr != nil {
		ie = ierr.Error()
	}
	if (ie == "") != (derr == "") {
		t.Errorf("%s: interp error %q, device panic %q", name, ie, derr)
		return
	}
	if ie != "" {
		return // both panicked (maybe in different work-items: the order differs)
	}
	bad := 0
	for bi, b := range bufs {
		db := b.dev.Bytes()
		es := int(b.t.Size())
		for j := 0; j < b.n; j++ {
			h, g := b.host[j*es:(j+1)*es], db[j*es:(j+1)*es]
			if string(h) != string(g) && (same == nil || !same(bi, h, g)) {
				if approximate[shortName(k.Name)] {
					continue
				}
				if bad < 8 {
					if es%8 == 0 && es > 8 {
						for w := 0; w < es; w += 8 {
							if hw, gw := binary.LittleEndian.Uint64(h[w:]), binary.LittleEndian.Uint64(g[w:]); hw != gw {
								t.Errorf("%s: buffer %d (%v) element %d word %d: interp %#x, device %#x", name, bi, b.t, j, w/8, hw, gw)
							}
						}
					} else {
						t.Errorf("%s: buffer %d (%v) element %d: interp % x, device % x", name, bi, b.t, j, h, g)
					}
				}
				bad++
			}
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d elements differ", name, bad)
	}
}

// approximate are the kernels whose float results may differ from the interpreter's on a GPU
// (Vulkan's float32 transcendental functions are not correctly rounded).
var approximate = map[string]bool{"MathTranscendental32": true}

// TestVulkanCorpus runs every checked corpus kernel for several targets and grids on the first
// Vulkan device (lavapipe preferred) and compares the memory it leaves with the interpreter's.
func TestVulkanCorpus(t *testing.T) {
	mods := loadCorpus(t)
	grids := [][2][3]int{{{64, 4, 1}, {16, 2, 1}}, {{256, 1, 1}, {32, 1, 1}}}
	for _, tc := range corpusTargets {
		if tc.t.PushConstantBytes > 128 {
			continue // beyond lavapipe's maxPushConstantsSize
		}
		for gi, g := range grids {
			for _, c := range mods {
				name := shortName(c.name)
				if c.unchecked {
					continue // random inputs make unchecked kernels undefined
				}
				if g[0][1] > 1 && !multiDim(c.k) && !strings.HasPrefix(name, "GroupSum") {
					// Work-items that differ only in y would race. (GroupSum's rows store
					// the same values: its 2D groups exercise the prologue's loads.)
					continue
				}
				runE2E(t, fmt.Sprintf("%s/%d/%s", tc.name, gi, name), c.m, c.k, tc.t, g[0], g[1], int64(gi+1))
			}
		}
	}
}

// multiDim reports whether a kernel asks for work-item ids or sizes beyond dimension 0.
func multiDim(f *ir.Func) bool {
	for _, b := range f.Blocks {
		for _, v := range b.Instrs {
			if v.Op == ir.OpIntrinsic && v.Intrinsic().IsWorkItem() && (v.Args[0].Op != ir.OpConst || v.Args[0].AuxInt != 0) {
				return true
			}
		}
	}
	return false
}

// TestVulkanEdges runs conversions, min and max, shifts and division on edge values (NaN, ±0,
// ±Inf, out-of-range floats, MinInt) and compares with the interpreter.
func TestVulkanEdges(t *testing.T) {
	m, err := ir.Parse(`type %main.E = {F slice<global, f32>, D slice<global, f64>, I slice<global, i64>, O slice<global, [12]u64>}

kernel @"(*main.E).Kernel"(%k ptr<args, %main.E>) @e.go:1:1 {
b0:
  %c0 = const 0 : i64
  %c1 = const 1 : i64
  %g = intrinsic global_id(%c0) : i64
  %n = intrinsic global_size(%c0) : i64
  %j0 = sub %n, %g : i64
  %j = sub %j0, %c1 : i64
  %ff = fieldaddr %k, 0 : ptr<args, slice<global, f32>>
  %fs = load %ff : slice<global, f32>
  %fp = indexaddr %fs, %g : ptr<global, f32>
  %f = load %fp : f32
  %fq = indexaddr %fs, %j : ptr<global, f32>
  %f2 = load %fq : f32
  %df = fieldaddr %k, 1 : ptr<args, slice<global, f64>>
  %ds = load %df : slice<global, f64>
  %dp = indexaddr %ds, %g : ptr<global, f64>
  %d = load %dp : f64
  %dq = indexaddr %ds, %j : ptr<global, f64>
  %d2 = load %dq : f64
  %if = fieldaddr %k, 2 : ptr<args, slice<global, i64>>
  %is = load %if : slice<global, i64>
  %ip = indexaddr %is, %g : ptr<global, i64>
  %x = load %ip : i64
  %iq = indexaddr %is, %j : ptr<global, i64>
  %y = load %iq : i64
  %of = fieldaddr %k, 3 : ptr<args, slice<global, [12]u64>>
  %os = load %of : slice<global, [12]u64>
  %o = indexaddr %os, %g : ptr<global, [12]u64>
  %a0 = convert %f : i32
  %b0 = convert %a0 : u64
  %a1 = convert %d : u64
  %a2 = convert %d : i64
  %b2 = convert %a2 : u64
  %a3 = convert %f : u8
  %b3 = convert %a3 : u64
  %a4 = min %f, %f2 : f32
  %b4 = intrinsic float32bits(%a4) : u32
  %c4 = convert %b4 : u64
  %a5 = max %d, %d2 : f64
  %b5 = intrinsic float64bits(%a5) : u64
  %a6 = div %x, %y : i64
  %b6 = convert %a6 : u64
  %a7 = rem %x, %y : i64
  %b7 = convert %a7 : u64
  %xu = convert %x : u64
  %a8 = shr %x, %xu : i64
  %b8 = convert %a8 : u64
  %a9 = shl %xu, %xu : u64
  %a10 = intrinsic round(%d) : f64
  %b10 = intrinsic float64bits(%a10) : u64
  %a11 = convert %x : f32
  %b11 = intrinsic float32bits(%a11) : u32
  %c11 = convert %b11 : u64
  %p0 = indexaddr %o, %c0 : ptr<global, u64>
  store %p0, %b0
  %k1 = const 1 : i64
  %p1 = indexaddr %o, %k1 : ptr<global, u64>
  store %p1, %a1
  %k2 = const 2 : i64
  %p2 = indexaddr %o, %k2 : ptr<global, u64>
  store %p2, %b2
  %k3 = const 3 : i64
  %p3 = indexaddr %o, %k3 : ptr<global, u64>
  store %p3, %b3
  %k4 = const 4 : i64
  %p4 = indexaddr %o, %k4 : ptr<global, u64>
  store %p4, %c4
  %k5 = const 5 : i64
  %p5 = indexaddr %o, %k5 : ptr<global, u64>
  store %p5, %b5
  %k6 = const 6 : i64
  %p6 = indexaddr %o, %k6 : ptr<global, u64>
  store %p6, %b6
  %k7 = const 7 : i64
  %p7 = indexaddr %o, %k7 : ptr<global, u64>
  store %p7, %b7
  %k8 = const 8 : i64
  %p8 = indexaddr %o, %k8 : ptr<global, u64>
  store %p8, %b8
  %k9 = const 9 : i64
  %p9 = indexaddr %o, %k9 : ptr<global, u64>
  store %p9, %a9
  %k10 = const 10 : i64
  %p10 = indexaddr %o, %k10 : ptr<global, u64>
  store %p10, %b10
  %k11 = const 11 : i64
  %p11 = indexaddr %o, %k11 : ptr<global, u64>
  store %p11, %c11
  return
}
`)
	if err != nil {
		t.Fatal(err)
	}
	fs := []float64{math.NaN(), 0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), 2.5, -2.5, 0.5, -0.5,
		1e10, -1e10, 3e9, -3e9, 1.9e19, 9.3e18, -9.3e18, 255.9, 256, -1, 1.5, 4.4e9, 1 << 63, -(1 << 63), 2.4999999}
	is := []int64{math.MinInt64, -1, 5, 1, 63, 64, 65, -64, math.MaxInt64, 7, -7, 3, 1 << 40, -(1 << 40), 100, 2}
	n := 256
	runE2EFill(t, "edges", m, m.Kernels()[0], Lavapipe, [3]int{n, 1, 1}, [3]int{32, 1, 1}, 1, func(i, j int, b []byte) {
		le := binary.LittleEndian
		switch i {
		case 0:
			le.PutUint32(b, math.Float32bits(float32(fs[j%len(fs)])))
		case 1:
			le.PutUint64(b, math.Float64bits(fs[(j/len(fs)+j)%len(fs)]))
		case 2:
			le.PutUint64(b, uint64(is[(j/len(is)+j)%len(is)]))
		}
	}, func(bi int, h, g []byte) bool {
		// Word 4 is a float32 min: any NaN is Go's NaN.
		le := binary.LittleEndian
		for w := 0; w < 12; w++ {
			hw, gw := le.Uint64(h[8*w:]), le.Uint64(g[8*w:])
			if w == 4 && math.IsNaN(float64(math.Float32frombits(uint32(hw)))) && math.IsNaN(float64(math.Float32frombits(uint32(gw)))) {
				continue
			}
			if hw != gw {
				return false
			}
		}
		return true
	})
}
