package vk

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"
)

func TestEnumerate(t *testing.T) {
	p := physical(t)
	in := testEnv.in
	t.Logf("instance: Vulkan %v, layers %v", in.APIVersion, in.Layers)
	pds, err := in.PhysicalDevices()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range pds {
		t.Logf("device %d: %s (%v), Vulkan %v (usable %v), driver %s: %s, vendor %#x device %#x",
			q.Index, q.Name, q.Type, q.APIVersion, q.Version, q.DriverName, q.DriverInfo, q.VendorID, q.DeviceID)
		t.Logf("  limits: %+v", q.Limits)
		t.Logf("  features: %v", q.Features)
		t.Logf("  memory types %+v, heaps %+v", q.MemoryTypes, q.MemoryHeaps)
		t.Logf("  queue families %+v", q.QueueFamilies)
		t.Logf("  %d extensions: %s", len(q.Extensions), strings.Join(q.Extensions, " "))
	}
	l := p.Limits
	if p.Name == "" || l.MaxPushConstantsSize < 128 || l.MaxComputeWorkGroupInvocations < 128 ||
		l.MaxComputeWorkGroupCount[0] < 65535 || l.MaxComputeSharedMemorySize < 16384 {
		t.Errorf("implausible device %q: %+v", p.Name, l)
	}
	if len(p.MemoryTypes) == 0 || len(p.MemoryHeaps) == 0 || len(p.QueueFamilies) == 0 {
		t.Errorf("no memory types, heaps or queue families")
	}
	if _, ok := p.ComputeQueueFamily(); !ok {
		t.Error("no compute queue family")
	}
	if !p.Features.BufferDeviceAddress || !p.HasExtension("VK_KHR_buffer_device_address") && p.Version < MakeVersion(1, 2, 0) {
		t.Error("buffer device address not reported")
	}
}

func TestMissingFeature(t *testing.T) {
	p := physical(t)
	var want Features
	name := ""
	for _, e := range featureTable {
		if !*e.field(&p.Features) {
			*e.field(&want) = true
			name = e.name
			break
		}
	}
	if name == "" {
		t.Skip("the device has every feature the package knows")
	}
	_, err := NewDevice(p, DeviceOptions{Features: want})
	var fe *FeatureError
	if !errors.As(err, &fe) || len(fe.Missing) != 1 || fe.Missing[0] != name {
		t.Fatalf("NewDevice asking for %s: %v", name, err)
	}
	t.Log(err)
}

func TestDeviceFeatures(t *testing.T) {
	p := physical(t)
	// Ask for everything the device has: every structure of the chain is then used.
	d := openDevice(t, DeviceOptions{Features: p.Features})
	if d.Features != p.Features.Union(testFeatures) {
		t.Errorf("enabled %v, want %v", d.Features, p.Features)
	}
	t.Logf("extensions enabled: %v", d.Extensions)
}

func TestAlloc(t *testing.T) {
	d := openDevice(t, DeviceOptions{BlockSize: 1 << 20})
	var as []*Allocation
	for i, n := range []uint64{1, 100, 256, 257, 4096, 0, 1000} {
		a, err := d.Alloc(HostVisible, n)
		if err != nil {
			t.Fatal(err)
		}
		if a.Address%256 != 0 || a.Offset%256 != 0 || a.Address == 0 || a.Size != n {
			t.Errorf("allocation %d: %+v", i, a)
		}
		b := a.Bytes()
		if uint64(len(b)) != n || n > 0 && a.Host() == nil {
			t.Fatalf("allocation %d: %d host bytes", i, len(b))
		}
		for j := range b {
			b[j] = byte(i)
		}
		as = append(as, a)
	}
	for i, a := range as {
		for j, b := range as {
			if i != j && a.Address < b.Address+max(b.Size, 1) && b.Address < a.Address+max(a.Size, 1) {
				t.Errorf("allocations %d and %d overlap", i, j)
			}
		}
		for _, c := range a.Bytes() {
			if c != byte(i) {
				t.Fatalf("allocation %d was overwritten", i)
			}
		}
	}
	if d.Blocks(HostVisible) != 1 {
		t.Errorf("%d blocks for a few small allocations", d.Blocks(HostVisible))
	}
	// Freed ranges coalesce: after freeing all, one allocation takes the whole block again.
	for _, a := range as {
		d.Free(a)
	}
	whole, err := d.Alloc(HostVisible, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if whole.Offset != 0 || d.Blocks(HostVisible) != 1 {
		t.Errorf("the whole block: offset %d, %d blocks", whole.Offset, d.Blocks(HostVisible))
	}
	// A block is full: the next allocation gets a new one; a large one gets its own.
	other, err := d.Alloc(HostVisible, 10)
	if err != nil {
		t.Fatal(err)
	}
	big, err := d.Alloc(HostVisible, 3<<20)
	if err != nil {
		t.Fatal(err)
	}
	if d.Blocks(HostVisible) != 3 {
		t.Errorf("%d blocks, want 3", d.Blocks(HostVisible))
	}
	big.Bytes()[3<<20-1] = 7
	d.Free(big) // its own block is released
	d.Free(other)
	d.Free(whole) // two empty standard blocks: one is kept
	if n := d.Blocks(HostVisible); n != 1 {
		t.Errorf("%d blocks after freeing everything, want 1 kept", n)
	}
	dl, err := d.Alloc(DeviceLocal, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if dl.Bytes() != nil || dl.Address == 0 {
		t.Errorf("device-local allocation %+v", dl)
	}
	d.Free(dl)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("a second Free did not panic")
			}
		}()
		d.Free(dl)
	}()
}

func TestAllocConcurrent(t *testing.T) {
	d := openDevice(t, DeviceOptions{BlockSize: 1 << 20})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []*Allocation
			for i := range 200 {
				a, err := d.Alloc(HostVisible, uint64(1+(i*37+g*11)%5000))
				if err != nil {
					t.Error(err)
					return
				}
				b := a.Bytes()
				b[0], b[len(b)-1] = byte(g), byte(g)
				mine = append(mine, a)
				if i%3 == 0 {
					x := mine[0]
					if x.Bytes()[0] != byte(g) {
						t.Error("allocation overwritten by another goroutine")
					}
					d.Free(x)
					mine = mine[1:]
				}
			}
			for _, a := range mine {
				d.Free(a)
			}
		}()
	}
	wg.Wait()
}

// saxpyArgs is the saxpy shader's push constants: the header and struct { A float32; X, Y
// []float32 }.
func saxpyArgs(h header, a float32, x, y *Allocation, xlen, ylen int) []byte {
	le := binary.LittleEndian
	b := h.bytes()
	b = le.AppendUint32(b, math.Float32bits(a))
	b = le.AppendUint32(b, 0)
	for _, s := range []struct {
		p *Allocation
		n int
	}{{x, xlen}, {y, ylen}} {
		b = le.AppendUint64(b, s.p.Address)
		b = le.AppendUint64(b, uint64(s.n))
		b = le.AppendUint64(b, uint64(s.n))
	}
	return b
}

const saxpyPush = 104

func floats(a *Allocation) []float32 {
	return unsafe.Slice((*float32)(a.Host()), a.Size/4)
}

// saxpyCase is a 2D saxpy launch on host-visible buffers.
type saxpyCase struct {
	d       *Device
	global  [3]uint32
	local   [3]uint32
	n       int
	x, y, r *Allocation
}

func newSaxpy(t *testing.T, d *Device, global, local [3]uint32) *saxpyCase {
	n := int(global[0] * global[1])
	c := &saxpyCase{d: d, global: global, local: local, n: n}
	var err error
	for _, p := range []**Allocation{&c.x, &c.y, &c.r} {
		size := uint64(4 * n)
		if p == &c.r {
			size = 64
		}
		if *p, err = d.Alloc(HostVisible, size); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Free(*p) })
	}
	return c
}

// reset fills x and y and zeroes the panic record.
func (c *saxpyCase) reset() {
	x, y := floats(c.x), floats(c.y)
	for i := range x {
		x[i], y[i] = float32(i%17), float32(i%5)
	}
	clear(c.r.Bytes())
}

// check compares y with 2*x+y.
func (c *saxpyCase) check(t *testing.T, what string) {
	t.Helper()
	x, y := floats(c.x), floats(c.y)
	bad := 0
	for i := range y {
		if want := 2*float32(i%17) + float32(i%5); y[i] != want {
			if bad++; bad < 5 {
				t.Errorf("%s: y[%d] = %v, want %v", what, i, y[i], want)
			}
		}
		_ = x
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d wrong", what, bad, len(y))
	}
	if rec := readPanic(c.r.Bytes()); rec.flag != 0 {
		t.Errorf("%s: panic record %+v", what, rec)
	}
}

func (c *saxpyCase) args() []byte {
	return saxpyArgs(newHeader(c.r.Address, c.global, c.local), 2, c.x, c.y, c.n, c.n)
}

func TestSaxpy(t *testing.T) {
	d := openDevice(t, DeviceOptions{})
	global, local := [3]uint32{1000, 37, 1}, [3]uint32{64, 4, 1}
	c := newSaxpy(t, d, global, local)
	full := pipeline(t, d, "saxpy.spv", saxpyPush, local)
	groups := newHeader(0, global, local).groups // 16 × 10 × 1
	ctx := context.Background()

	run := func(what string, ds []Dispatch) {
		t.Helper()
		c.reset()
		j, err := d.Run(ctx, &Launch{PushConstants: c.args(), Dispatches: ds, Timestamps: true})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		t.Logf("%s: %d dispatches, GPU time %v", what, len(ds), j.GPUTime())
		if d.timestamps() && j.GPUTime() <= 0 {
			t.Errorf("%s: no GPU time", what)
		}
		c.check(t, what)
	}

	// One dispatch: the padded work-items of the last groups return at once.
	run("one dispatch", []Dispatch{{Pipeline: full, Count: groups}})

	// The grid cut into pieces of at most 5 × 3 groups, as for a grid beyond the device's group
	// count: WorkgroupId stays the id in the whole grid.
	var ds []Dispatch
	for _, r := range Split(groups, [3]uint32{5, 3, 1}) {
		ds = append(ds, Dispatch{Pipeline: full, Base: r.Base, Count: r.Count})
	}
	if len(ds) != 16 {
		t.Fatalf("%d pieces, want 16", len(ds))
	}
	run("split", ds)

	// The partial last groups as dispatches of their own, on pipelines specialised to their
	// smaller size (the ABI's way for kernels with barriers): x has 15 whole groups and 40
	// work-items over, y 9 whole groups and 1 over. The whole groups are cut at 4 × 4.
	pipes := map[[3]uint32]*Pipeline{local: full}
	ds = nil
	for _, pc := range Pieces(global, local, [3]uint32{4, 4, 1}) {
		p, ok := pipes[pc.Group]
		if !ok {
			p = pipeline(t, d, "saxpy.spv", saxpyPush, pc.Group)
			pipes[pc.Group] = p
		}
		ds = append(ds, Dispatch{Pipeline: p, Base: pc.Base, Count: pc.Count})
	}
	if len(pipes) != 4 || len(ds) != (4+1)*(3+1) {
		t.Fatalf("%d pipelines, %d dispatches", len(pipes), len(ds))
	}
	run("partial groups", ds)

	// Push constants per dispatch: the second and third dispatches get their own (another a,
	// another y), the fourth the launch's again.
	c.reset()
	y2 := newSaxpy(t, d, global, local)
	y2.reset()
	h := newHeader(c.r.Address, global, local)
	own := saxpyArgs(h, 3, c.x, y2.y, c.n, c.n)
	half := [3]uint32{groups[0], groups[1] / 2, 1}
	rest := [3]uint32{groups[0], groups[1] - half[1], 1}
	_, err := d.Run(ctx, &Launch{PushConstants: c.args(), Dispatches: []Dispatch{
		{Pipeline: full, Count: half},
		{Pipeline: full, Count: half, PushConstants: own},
		{Pipeline: full, Base: [3]uint32{0, half[1], 0}, Count: rest, PushConstants: own},
		{Pipeline: full, Base: [3]uint32{0, half[1], 0}, Count: rest},
	}})
	if err != nil {
		t.Fatal(err)
	}
	c.check(t, "launch's push constants")
	for i, v := range floats(y2.y) {
		if want := 3*float32(i%17) + float32(i%5); v != want {
			t.Fatalf("dispatch's push constants: y2[%d] = %v, want %v", i, v, want)
		}
	}

	// Beyond maxComputeWorkGroupCount, base + count is refused before anything is recorded.
	max := d.Limits().MaxComputeWorkGroupCount
	_, err = d.Run(ctx, &Launch{PushConstants: c.args(), Dispatches: []Dispatch{{Pipeline: full, Base: [3]uint32{max[0], 0, 0}, Count: [3]uint32{1, 1, 1}}}})
	if err == nil || !strings.Contains(err.Error(), "maxComputeWorkGroupCount") {
		t.Errorf("a dispatch beyond the group count: %v", err)
	}
}

func TestSaxpyStaged(t *testing.T) {
	d := openDevice(t, DeviceOptions{})
	global, local := [3]uint32{5000, 1, 1}, [3]uint32{256, 1, 1}
	c := newSaxpy(t, d, global, local)
	p := pipeline(t, d, "saxpy.spv", saxpyPush, local)
	size := uint64(4 * c.n)
	dx, err := d.Alloc(DeviceLocal, size)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Free(dx)
	dy, err := d.Alloc(DeviceLocal, size)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Free(dy)
	c.reset()
	want := append([]float32(nil), floats(c.y)...)
	clear(c.y.Bytes()) // the host copy of y is overwritten by the copy back
	h := newHeader(c.r.Address, global, local)
	args := saxpyArgs(h, 2, dx, dy, c.n, c.n)
	// Stage x and the saved y into device-local memory, run on those, copy y back.
	tmp, err := d.Alloc(HostVisible, size)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Free(tmp)
	copy(floats(tmp), want)
	_, err = d.Run(context.Background(), &Launch{
		PushConstants: args,
		Before:        []Copy{{Src: c.x, Dst: dx, Size: size}, {Src: tmp, Dst: dy, Size: size}},
		Dispatches:    []Dispatch{{Pipeline: p, Count: h.groups}},
		After:         []Copy{{Src: dy, Dst: c.y, Size: size}},
	})
	if err != nil {
		t.Fatal(err)
	}
	c.check(t, "staged")
}

func TestPanicRecord(t *testing.T) {
	d := openDevice(t, DeviceOptions{})
	global, local := [3]uint32{100, 7, 3}, [3]uint32{32, 2, 2}
	p := pipeline(t, d, "panic.spv", 104, local)
	n := int(global[0] * global[1] * global[2])
	out, err := d.Alloc(HostVisible, uint64(4*n))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Free(out)
	rec, err := d.Alloc(HostVisible, 64)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Free(rec)
	clear(out.Bytes())
	clear(rec.Bytes())

	at := [3]uint32{70, 5, 1}
	h := newHeader(rec.Address, global, local)
	le := binary.LittleEndian
	args := h.bytes()
	for _, v := range at {
		args = le.AppendUint32(args, v)
	}
	args = le.AppendUint32(args, 0)
	args = le.AppendUint64(args, uint64(math.MaxUint64-12345678900)) // A = -12345678901
	args = le.AppendUint64(args, 42)
	args = le.AppendUint64(args, out.Address)
	args = le.AppendUint64(args, uint64(n))
	args = le.AppendUint64(args, uint64(n))
	if _, err := d.Run(context.Background(), &Launch{PushConstants: args, Dispatches: []Dispatch{{Pipeline: p, Count: h.groups}}}); err != nil {
		t.Fatal(err)
	}
	got := readPanic(rec.Bytes())
	want := panicRecord{flag: 1, site: 7, a: -12345678901, b: 42, item: at}
	if got != want {
		t.Errorf("panic record %+v, want %+v", got, want)
	}
	o := unsafe.Slice((*uint32)(out.Host()), n)
	failed := int((at[2]*global[1]+at[1])*global[0] + at[0])
	for i, v := range o {
		if want := uint32(1); i == failed && v != 0 || i != failed && v != want {
			t.Fatalf("out[%d] = %d", i, v)
		}
	}

	// Many work-items fail the same check: one record, consistent with one of them.
	s := newSaxpy(t, d, [3]uint32{300, 2, 1}, [3]uint32{64, 1, 1})
	sp := pipeline(t, d, "saxpy.spv", saxpyPush, s.local)
	s.reset()
	sh := newHeader(s.r.Address, s.global, s.local)
	ylen := s.n - 50
	if _, err := d.Run(context.Background(), &Launch{
		PushConstants: saxpyArgs(sh, 2, s.x, s.y, s.n, ylen),
		Dispatches:    []Dispatch{{Pipeline: sp, Count: sh.groups}},
	}); err != nil {
		t.Fatal(err)
	}
	r := readPanic(s.r.Bytes())
	if r.flag != 1 || r.site != 1 || r.b != int64(ylen) || r.a < int64(ylen) || r.a >= int64(s.n) ||
		r.a != int64(r.item[1])*int64(s.global[0])+int64(r.item[0]) || r.item[2] != 0 {
		t.Errorf("bounds panic record %+v (ylen %d, n %d)", r, ylen, s.n)
	}
}

func TestConcurrentLaunches(t *testing.T) {
	d := openDevice(t, DeviceOptions{})
	global, local := [3]uint32{4096, 1, 1}, [3]uint32{128, 1, 1}
	p := pipeline(t, d, "saxpy.spv", saxpyPush, local)
	var cases []*saxpyCase
	for range 8 {
		cases = append(cases, newSaxpy(t, d, global, local))
	}
	var wg sync.WaitGroup
	for g, c := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				c.reset()
				h := newHeader(c.r.Address, global, local)
				if _, err := d.Run(context.Background(), &Launch{PushConstants: c.args(), Dispatches: []Dispatch{{Pipeline: p, Count: h.groups}}}); err != nil {
					t.Error(err)
					return
				}
				c.check(t, fmt.Sprintf("goroutine %d launch %d", g, i))
			}
		}()
	}
	wg.Wait()
	if n := d.Live().CommandContexts; n > len(cases) {
		t.Errorf("%d command contexts for %d goroutines", n, len(cases))
	}
}

func TestCancel(t *testing.T) {
	d := openDevice(t, DeviceOptions{})
	global, local := [3]uint32{1 << 16, 1, 1}, [3]uint32{256, 1, 1}
	c := newSaxpy(t, d, global, local)
	p := pipeline(t, d, "saxpy.spv", saxpyPush, local)
	c.reset()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h := newHeader(c.r.Address, global, local)
	j, err := d.Run(ctx, &Launch{PushConstants: c.args(), Dispatches: []Dispatch{{Pipeline: p, Count: h.groups}}})
	if !errors.Is(err, context.Canceled) || j == nil {
		t.Fatalf("Run with a cancelled context: %v, %v", j, err)
	}
	// The work still completes; Wait without a deadline sees it.
	if err := j.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !j.Done() {
		t.Error("a waited job is not done")
	}
	c.check(t, "after cancellation")

	// A deadline in the future is met.
	ctx, cancel = context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c.reset()
	if _, err := d.Run(ctx, &Launch{PushConstants: c.args(), Dispatches: []Dispatch{{Pipeline: p, Count: h.groups}}}); err != nil {
		t.Fatal(err)
	}
	c.check(t, "with a deadline")

	// Submit and Done: poll until the job is done.
	c.reset()
	j, err = d.Submit(&Launch{PushConstants: c.args(), Dispatches: []Dispatch{{Pipeline: p, Count: h.groups}}})
	if err != nil {
		t.Fatal(err)
	}
	for !j.Done() {
		time.Sleep(100 * time.Microsecond)
	}
	c.check(t, "polled")
}

func TestPipelineErrors(t *testing.T) {
	d := openDevice(t, DeviceOptions{})
	if _, err := d.NewShaderModule([]uint32{1, 2, 3, 4, 5}); err == nil {
		t.Error("a module without the SPIR-V magic number was accepted")
	}
	m, err := d.NewShaderModule(loadSPIRV(t, "saxpy.spv"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Destroy()
	lim := d.Limits()
	for _, o := range []PipelineOptions{
		{PushConstantSize: saxpyPush, GroupSize: [3]uint32{0, 1, 1}},
		{PushConstantSize: saxpyPush, GroupSize: [3]uint32{lim.MaxComputeWorkGroupInvocations, 2, 1}},
		{PushConstantSize: lim.MaxPushConstantsSize + 4, GroupSize: [3]uint32{1, 1, 1}},
		{PushConstantSize: 6, GroupSize: [3]uint32{1, 1, 1}},
		{PushConstantSize: saxpyPush, GroupSize: [3]uint32{1, 1, 1}, Constants: map[uint32][]byte{1: SpecUint32(3)}},
		{PushConstantSize: saxpyPush, GroupSize: [3]uint32{1, 1, 1}, Constants: map[uint32][]byte{5: {1, 2}}},
	} {
		if p, err := d.NewPipeline(m, o); err == nil {
			p.Destroy()
			t.Errorf("NewPipeline(%+v) succeeded", o)
		} else {
			t.Log(err)
		}
	}
	// Constants the shader does not declare are ignored by Vulkan.
	p, err := d.NewPipeline(m, PipelineOptions{PushConstantSize: saxpyPush, GroupSize: [3]uint32{8, 8, 1},
		Constants: map[uint32][]byte{3: SpecUint64(1), 4: SpecFloat32(1), 7: SpecBool(true), 9: SpecFloat64(2)}})
	if err != nil {
		t.Fatal(err)
	}
	p.Destroy()
	// Push constants larger than the pipeline's range are refused at submission.
	em, err := d.NewShaderModule(loadSPIRV(t, "empty.spv"))
	if err != nil {
		t.Fatal(err)
	}
	defer em.Destroy()
	small, err := d.NewPipeline(em, PipelineOptions{PushConstantSize: 48, GroupSize: [3]uint32{1, 1, 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer small.Destroy()
	if _, err := d.Submit(&Launch{PushConstants: make([]byte, 104), Dispatches: []Dispatch{{Pipeline: small, Count: [3]uint32{1, 1, 1}}}}); err == nil {
		t.Error("104 bytes of push constants accepted by a pipeline of 48")
	}
}

func TestPipelineCache(t *testing.T) {
	d := openDevice(t, DeviceOptions{})
	pipeline(t, d, "saxpy.spv", saxpyPush, [3]uint32{64, 1, 1})
	data, err := d.PipelineCacheData()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pipeline cache: %d bytes", len(data))
	d2 := openDevice(t, DeviceOptions{PipelineCache: data})
	pipeline(t, d2, "saxpy.spv", saxpyPush, [3]uint32{64, 1, 1})
}

func TestClosed(t *testing.T) {
	p := physical(t)
	d, err := NewDevice(p, DeviceOptions{Features: testFeatures})
	if err != nil {
		t.Fatal(err)
	}
	a, err := d.Alloc(HostVisible, 64)
	if err != nil {
		t.Fatal(err)
	}
	// A job nobody waits for, and a pipeline and module nobody destroys: Close finishes and
	// destroys them.
	m, err := d.NewShaderModule(loadSPIRV(t, "empty.spv"))
	if err != nil {
		t.Fatal(err)
	}
	p2, err := d.NewPipeline(m, PipelineOptions{PushConstantSize: 48, GroupSize: [3]uint32{1, 1, 1}})
	if err != nil {
		t.Fatal(err)
	}
	j, err := d.Submit(&Launch{
		PushConstants: newHeader(a.Address, [3]uint32{1, 1, 1}, [3]uint32{1, 1, 1}).bytes(),
		Dispatches:    []Dispatch{{Pipeline: p2, Count: [3]uint32{1, 1, 1}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if !j.Done() || j.Wait(context.Background()) != nil {
		t.Error("Close left a job unfinished")
	}
	if l := d.Live(); l.CommandContexts != 0 {
		t.Errorf("Close left %d command contexts", l.CommandContexts)
	}
	p2.Destroy() // no-ops after Close
	m.Destroy()
	if err := d.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := d.Alloc(HostVisible, 10); !errors.Is(err, ErrClosed) {
		t.Errorf("Alloc on a closed device: %v", err)
	}
	if _, err := d.Submit(&Launch{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Submit on a closed device: %v", err)
	}
	d.Free(a) // after Close, a no-op on released memory
}

// BenchmarkEmptyDispatch measures a launch end to end: record a command buffer (bind, push
// constants, one dispatch of one group, barrier), submit it with a fence, and wait.
func BenchmarkEmptyDispatch(b *testing.B) {
	d := openDevice(b, DeviceOptions{})
	p := pipeline(b, d, "empty.spv", 48, [3]uint32{1, 1, 1})
	rec, err := d.Alloc(HostVisible, 64)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Free(rec)
	l := &Launch{
		PushConstants: newHeader(rec.Address, [3]uint32{1, 1, 1}, [3]uint32{1, 1, 1}).bytes(),
		Dispatches:    []Dispatch{{Pipeline: p, Count: [3]uint32{1, 1, 1}}},
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := d.Run(ctx, l); err != nil {
			b.Fatal(err)
		}
	}
}

// TestValidation runs with GEOBACTER_VULKAN_VALIDATION=1 and the layer installed: a pipeline
// whose layout is smaller than its shader's push constants is invalid, and the layer says so.
func TestValidation(t *testing.T) {
	physical(t)
	if len(testEnv.in.Layers) == 0 {
		t.Skip("validation is off; set " + ValidationEnv + "=1 with VK_LAYER_KHRONOS_validation installed")
	}
	d := openDevice(t, DeviceOptions{})
	m, err := d.NewShaderModule(loadSPIRV(t, "saxpy.spv"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Destroy()
	p, err := d.NewPipeline(m, PipelineOptions{PushConstantSize: 48, GroupSize: [3]uint32{1, 1, 1}})
	if err == nil {
		p.Destroy()
	}
	msgs := testEnv.in.ValidationMessages()
	if len(msgs) == 0 || !strings.Contains(msgs[0], "VUID-VkComputePipelineCreateInfo-layout") {
		t.Errorf("validation messages %q", msgs)
	}
}
