package vk

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

func TestResultNames(t *testing.T) {
	if got := ErrorOutOfDeviceMemory.Error(); got != "VK_ERROR_OUT_OF_DEVICE_MEMORY" {
		t.Errorf("ErrorOutOfDeviceMemory.Error() = %q", got)
	}
	if got := Result(-1000011001).String(); got != "VK_ERROR_VALIDATION_FAILED_EXT" {
		t.Errorf("Result(-1000011001) = %q", got)
	}
	if got := Result(-77).String(); got != "VkResult(-77)" {
		t.Errorf("Result(-77) = %q", got)
	}
	err := check("vkAllocateMemory", ErrorOutOfDeviceMemory)
	if !errors.Is(err, ErrorOutOfDeviceMemory) || errors.Is(err, ErrorOutOfHostMemory) {
		t.Errorf("errors.Is on %v is wrong", err)
	}
	if want := "vulkan: vkAllocateMemory: VK_ERROR_OUT_OF_DEVICE_MEMORY"; err.Error() != want {
		t.Errorf("error is %q, want %q", err, want)
	}
	if check("x", Success) != nil {
		t.Error("check of VK_SUCCESS is not nil")
	}
}

func TestVersion(t *testing.T) {
	v := MakeVersion(1, 3, 239)
	if v.Major() != 1 || v.Minor() != 3 || v.Patch() != 239 || v.String() != "1.3.239" {
		t.Errorf("MakeVersion(1, 3, 239) = %v", v)
	}
	if MakeVersion(1, 2, 999) >= MakeVersion(1, 3, 0) {
		t.Error("versions do not order")
	}
}

func TestFeatures(t *testing.T) {
	want := Features{ShaderInt64: true, ShaderInt8: true, ShaderBufferFloat64AtomicAdd: true}
	have := Features{ShaderInt64: true, ShaderFloat64: true}
	if got := want.Missing(have); !slices.Equal(got, []string{"shaderInt8", "shaderBufferFloat64AtomicAdd"}) {
		t.Errorf("Missing = %v", got)
	}
	if got := want.Union(have).Names(); len(got) != 4 {
		t.Errorf("Union = %v", got)
	}
	err := &FeatureError{Device: "gpu", Missing: want.Missing(have)}
	if !strings.Contains(err.Error(), "shaderInt8, shaderBufferFloat64AtomicAdd") {
		t.Errorf("FeatureError: %v", err)
	}
	// Every field of Features is in the table once, and the indices fit their structures.
	seen := map[string]bool{}
	a := getArena()
	defer putArena(a)
	c := newFeatureChain(a, MakeVersion(1, 3, 0), func(string) bool { return true })
	for _, e := range featureTable {
		if seen[e.name] {
			t.Errorf("%s twice in featureTable", e.name)
		}
		seen[e.name] = true
		if e.index >= len(c.bools(e.in)) {
			t.Errorf("%s: index %d out of range", e.name, e.index)
		}
	}
	var all Features
	for _, e := range featureTable {
		*e.field(&all) = true
	}
	if err := c.write(all); err != nil {
		t.Fatal(err)
	}
	if c.read() != all {
		t.Errorf("chain round trip lost features")
	}
	// A Vulkan 1.2 chain has no room for Vulkan 1.3 features.
	c12 := newFeatureChain(a, MakeVersion(1, 2, 0), func(string) bool { return false })
	if err := c12.write(Features{Maintenance4: true}); err == nil || !strings.Contains(err.Error(), "maintenance4") {
		t.Errorf("writing maintenance4 into a 1.2 chain: %v", err)
	}
}

func TestSplit(t *testing.T) {
	if got := Split([3]uint32{10, 1, 1}, [3]uint32{65535, 65535, 65535}); len(got) != 1 || got[0].Count != [3]uint32{10, 1, 1} {
		t.Errorf("Split of a small grid = %v", got)
	}
	groups, cap := [3]uint32{16, 10, 3}, [3]uint32{5, 3, 2}
	rs := Split(groups, cap)
	if len(rs) != 4*4*2 {
		t.Errorf("%d ranges, want 32", len(rs))
	}
	hit := map[[3]uint32]int{}
	for _, r := range rs {
		for k := range 3 {
			if r.Count[k] == 0 || r.Count[k] > cap[k] {
				t.Errorf("range %v exceeds the cap", r)
			}
		}
		for z := r.Base[2]; z < r.Base[2]+r.Count[2]; z++ {
			for y := r.Base[1]; y < r.Base[1]+r.Count[1]; y++ {
				for x := r.Base[0]; x < r.Base[0]+r.Count[0]; x++ {
					hit[[3]uint32{x, y, z}]++
				}
			}
		}
	}
	if len(hit) != 16*10*3 {
		t.Errorf("ranges cover %d groups, want %d", len(hit), 16*10*3)
	}
	for g, n := range hit {
		if n != 1 || g[0] >= 16 || g[1] >= 10 || g[2] >= 3 {
			t.Errorf("group %v covered %d times", g, n)
		}
	}
	if Split([3]uint32{0, 1, 1}, cap) != nil {
		t.Error("Split of an empty grid is not empty")
	}
}

func TestFreeList(t *testing.T) {
	f := newFreeList(1024)
	a, ok := f.alloc(100, 256)
	b, ok2 := f.alloc(256, 256)
	c, ok3 := f.alloc(10, 256)
	if !ok || !ok2 || !ok3 || a != 0 || b != 256 || c != 512 {
		t.Fatalf("allocs at %d %d %d (%v %v %v)", a, b, c, ok, ok2, ok3)
	}
	if want := []span{{100, 156}, {522, 502}}; !slices.Equal(f.spans, want) {
		t.Errorf("spans %v, want %v", f.spans, want)
	}
	if _, ok := f.alloc(600, 1); ok {
		t.Error("600 bytes fit in a block with at most 502 free together")
	}
	f.free(b, 256) // merges with both neighbours
	if want := []span{{100, 412}, {522, 502}}; !slices.Equal(f.spans, want) {
		t.Errorf("after free: spans %v, want %v", f.spans, want)
	}
	f.free(c, 10)
	if want := []span{{100, 924}}; !slices.Equal(f.spans, want) {
		t.Errorf("after coalescing: spans %v, want %v", f.spans, want)
	}
	f.free(a, 100)
	if !f.empty() || !slices.Equal(f.spans, []span{{0, 1024}}) || f.largest() != 1024 {
		t.Errorf("empty block: spans %v used %d", f.spans, f.used)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("double free did not panic")
			}
		}()
		f.free(0, 16)
	}()
}

// TestFreeListRandom checks the free list's invariants against a model over random
// allocations and frees.
func TestFreeListRandom(t *testing.T) {
	const size = 1 << 20
	r := rand.New(rand.NewPCG(1, 2))
	f := newFreeList(size)
	type alloc struct{ off, size uint64 }
	var live []alloc
	for step := range 20000 {
		if len(live) > 0 && r.IntN(2) == 0 {
			i := r.IntN(len(live))
			f.free(live[i].off, live[i].size)
			live = append(live[:i], live[i+1:]...)
		} else {
			n := uint64(1 + r.IntN(8192))
			align := uint64(1) << r.IntN(10)
			off, ok := f.alloc(n, align)
			if ok {
				if off%align != 0 {
					t.Fatalf("step %d: offset %d not aligned to %d", step, off, align)
				}
				live = append(live, alloc{off, n})
			}
		}
		// Invariants: free spans sorted, separated, inside the block; live ranges disjoint from
		// them and from each other; the byte counts add up.
		var free uint64
		for i, s := range f.spans {
			if s.size == 0 || s.off+s.size > size || i > 0 && f.spans[i-1].off+f.spans[i-1].size >= s.off {
				t.Fatalf("step %d: bad spans %v", step, f.spans)
			}
			free += s.size
		}
		var used uint64
		for _, a := range live {
			used += a.size
		}
		if used != f.used || used+free > size {
			t.Fatalf("step %d: used %d (list says %d), free %d", step, used, f.used, free)
		}
		if step%1000 == 0 {
			all := append([]alloc(nil), live...)
			for _, s := range f.spans {
				all = append(all, alloc{s.off, s.size})
			}
			slices.SortFunc(all, func(a, b alloc) int { return int(a.off) - int(b.off) })
			for i := 1; i < len(all); i++ {
				if all[i-1].off+all[i-1].size > all[i].off {
					t.Fatalf("step %d: %v overlaps %v", step, all[i-1], all[i])
				}
			}
		}
	}
	for _, a := range live {
		f.free(a.off, a.size)
	}
	if !f.empty() || !slices.Equal(f.spans, []span{{0, size}}) {
		t.Errorf("after freeing everything: spans %v", f.spans)
	}
}

func TestArena(t *testing.T) {
	a := getArena()
	p := newT[vkSubmitInfo](a)
	if addrOf(p)%8 != 0 {
		t.Errorf("arena memory misaligned: %#x", addrOf(p))
	}
	big := a.alloc(200<<10, 8) // a chunk of its own
	s := a.cstr("hello")
	if goString(unsafe.Slice((*byte)(s), 6)) != "hello" {
		t.Error("cstring")
	}
	_ = big
	a.reset()
	if len(a.chunks) != 1 || a.used != 0 {
		t.Errorf("reset kept %d chunks, %d bytes", len(a.chunks), a.used)
	}
	for _, b := range a.chunks[0] {
		if b != 0 {
			t.Fatal("reset left bytes behind")
		}
	}
	putArena(a)
}

func TestLoadError(t *testing.T) {
	old := libraryNames
	libraryNames = []string{"libvulkan-geobacter-missing.so.1"}
	defer func() { libraryNames = old }()
	_, _, err := openLibrary()
	if err == nil {
		t.Fatal("opened a library that does not exist")
	}
	le := &LoadError{Err: err, Fix: Fix}
	if !strings.Contains(le.Error(), "apt-get install libvulkan1 mesa-vulkan-drivers") || !errors.Is(le, err) {
		t.Errorf("LoadError: %v", le)
	}
}

func TestPieces(t *testing.T) {
	global, local := [3]uint32{1000, 37, 3}, [3]uint32{64, 4, 3}
	ps := Pieces(global, local, [3]uint32{7, 65535, 65535})
	// x: 15 whole groups (in pieces of 7, 7, 1) and one of 40; y: 9 whole and one of 1; z: one.
	if len(ps) != (3+1)*2 {
		t.Fatalf("%d pieces: %+v", len(ps), ps)
	}
	items := map[[3]uint32]int{}
	groups := map[[3]uint32]bool{}
	for _, p := range ps {
		groups[p.Group] = true
		if p.Count[0] > 7 {
			t.Errorf("piece %+v exceeds the cap", p)
		}
		for gz := p.Base[2]; gz < p.Base[2]+p.Count[2]; gz++ {
			for gy := p.Base[1]; gy < p.Base[1]+p.Count[1]; gy++ {
				for gx := p.Base[0]; gx < p.Base[0]+p.Count[0]; gx++ {
					for lz := range p.Group[2] {
						for ly := range p.Group[1] {
							for lx := range p.Group[0] {
								// The ABI's global id: group * the launch's group size + local.
								items[[3]uint32{gx*local[0] + lx, gy*local[1] + ly, gz*local[2] + lz}]++
							}
						}
					}
				}
			}
		}
	}
	if len(items) != int(global[0]*global[1]*global[2]) {
		t.Errorf("pieces cover %d work-items, want %d", len(items), global[0]*global[1]*global[2])
	}
	for it, n := range items {
		if n != 1 || it[0] >= global[0] || it[1] >= global[1] || it[2] >= global[2] {
			t.Fatalf("work-item %v run %d times", it, n)
		}
	}
	if len(groups) != 4 || !groups[[3]uint32{64, 4, 3}] || !groups[[3]uint32{40, 1, 3}] {
		t.Errorf("group sizes %v", groups)
	}
	if Pieces([3]uint32{0, 1, 1}, local, local) != nil {
		t.Error("Pieces of an empty grid")
	}
}
