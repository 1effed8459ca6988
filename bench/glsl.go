package bench

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/device/vulkan/vk"
)

// The GLSL reference: the kernels of the suite written as GLSL compute shaders (ref/glsl/*.comp),
// compiled by glslangValidator when a Run starts and dispatched through package vk on the first
// usable Vulkan device. Its buffers are host-visible Vulkan memory that the states of suite.go
// use directly, so its results are verified element by element like a device's, and a timed run
// is the dispatch (recording, submission and the wait for its fence) with nothing to copy.

// glslangNames are the names glslangValidator is looked for by on PATH, in order.
var glslangNames = []string{"glslangValidator"}

// glslangFlags are the flags every shader is compiled with.
var glslangFlags = []string{"-V", "--target-env", "vulkan1.2"}

// glslFeatures are the device features the shaders need, beyond the buffer device address that
// package vk always enables: bytes in storage buffers (histogram).
var glslFeatures = vk.Features{StorageBuffer8BitAccess: true}

// glslNativeFloatAdd says whether reduce uses the device's float atomic add
// (shaderBufferFloat32AtomicAdd) where it has one, rather than a compare-and-swap loop.
var glslNativeFloatAdd = true

// glslPushSize is the push-constant size of every pipeline: at least what each shader's block
// takes (at most 40 bytes), and within the 128 bytes every device provides.
const glslPushSize = 64

// glslShaders are the shaders, one per benchmark (ref/glsl/NAME.comp), with their group sizes:
// those of the Go kernels.
var glslShaders = []struct {
	name  string
	group [3]uint32
}{
	{"saxpy", [3]uint32{saxpyGroup, 1, 1}},
	{"reduce", [3]uint32{reduceGroup, 1, 1}},
	{"sgemm", [3]uint32{tile, tile, 1}},
	{"stencil", [3]uint32{stencilGroup, stencilGroup, 1}},
	{"nbody", [3]uint32{nbodyGroup, 1, 1}},
	{"mandelbrot", [3]uint32{mandelbrotGroup, mandelbrotGroup, 1}},
	{"histogram", [3]uint32{histGroup, 1, 1}},
}

// glslUnavailable is why the GLSL reference cannot run here: no glslangValidator, no Vulkan
// loader, or no Vulkan device that can run the shaders. Other errors of newGLSLRef are failures.
type glslUnavailable struct{ reason string }

func (e *glslUnavailable) Error() string { return e.reason }

// glslRef is the GLSL reference ready to run: a Vulkan device and a pipeline per benchmark.
type glslRef struct {
	in     *vk.Instance
	dev    *vk.Device
	desc   string // the compiler, the device and its driver
	device string // the physical device's name
	pipes  map[string]*vk.Pipeline

	mu     sync.Mutex
	allocs map[unsafe.Pointer]*vk.Allocation // by the host address of the first byte
}

// newGLSLRef finds glslangValidator and the first usable Vulkan device, and compiles every
// shader into a pipeline of that device, in a temporary directory removed before it returns.
// The error is a *glslUnavailable when a tool or a device is missing.
func newGLSLRef(ctx context.Context) (*glslRef, error) {
	glslang, err := findGLSLang()
	if err != nil {
		return nil, err
	}
	version := "glslangValidator"
	if out, err := exec.CommandContext(ctx, glslang, "--version").Output(); err == nil {
		first, _, _ := strings.Cut(string(out), "\n")
		if _, v, ok := strings.Cut(first, ":"); ok {
			// "Glslang Version: 11:12.0.0": the second number is the release.
			if _, rel, ok := strings.Cut(strings.TrimSpace(v), ":"); ok {
				v = rel
			}
			version = "glslang " + strings.TrimSpace(v)
		}
	}

	g := &glslRef{pipes: map[string]*vk.Pipeline{}, allocs: map[unsafe.Pointer]*vk.Allocation{}}
	done := false
	defer func() {
		if !done {
			g.close()
		}
	}()
	if err := g.open(); err != nil {
		return nil, err
	}
	p := g.dev.Physical
	g.device = p.Name
	g.desc = fmt.Sprintf("%s %s, device %s (%s %s, Vulkan %v)", version, strings.Join(glslangFlags, " "),
		p.Name, p.DriverName, p.DriverInfo, p.APIVersion)

	dir, err := os.MkdirTemp("", "geobacter-glsl-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var defines []string
	if g.dev.Features.ShaderBufferFloat32AtomicAdd {
		defines = append(defines, "-DNATIVE_FLOAT_ADD")
	}
	for _, s := range glslShaders {
		src, err := refSources.ReadFile("ref/glsl/" + s.name + ".comp")
		if err != nil {
			return nil, err
		}
		code, err := compileGLSL(ctx, glslang, dir, s.name, src, defines)
		if err != nil {
			return nil, err
		}
		m, err := g.dev.NewShaderModule(code)
		if err != nil {
			return nil, fmt.Errorf("%s.comp: %w", s.name, err)
		}
		pl, err := g.dev.NewPipeline(m, vk.PipelineOptions{PushConstantSize: glslPushSize, GroupSize: s.group})
		m.Destroy()
		if err != nil {
			return nil, fmt.Errorf("%s.comp: %w", s.name, err)
		}
		g.pipes[s.name] = pl
	}
	done = true
	return g, nil
}

// findGLSLang returns the path of glslangValidator.
func findGLSLang() (string, error) {
	for _, n := range glslangNames {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", &glslUnavailable{fmt.Sprintf("no %s on PATH; install glslang (Debian: glslang-tools)", strings.Join(glslangNames, ", "))}
}

// open creates the instance and a device on the first physical device that is Vulkan 1.2 or
// newer and has glslFeatures, with the native float atomic add when it has that too (and
// glslNativeFloatAdd).
func (g *glslRef) open() error {
	in, err := vk.NewInstance()
	if err != nil {
		return &glslUnavailable{"no Vulkan: " + err.Error()}
	}
	g.in = in
	pds, err := in.PhysicalDevices()
	if err != nil {
		return &glslUnavailable{"no Vulkan device: " + err.Error()}
	}
	var why []string
	for _, p := range pds {
		if p.Version < vk.MakeVersion(1, 2, 0) {
			why = append(why, fmt.Sprintf("%s: Vulkan %v, 1.2 is needed", p.Name, p.Version))
			continue
		}
		feats := glslFeatures
		feats.ShaderBufferFloat32AtomicAdd = glslNativeFloatAdd && p.Features.ShaderBufferFloat32AtomicAdd
		d, err := vk.NewDevice(p, vk.DeviceOptions{Features: feats})
		if err != nil {
			why = append(why, err.Error())
			continue
		}
		g.dev = d
		return nil
	}
	if len(pds) == 0 {
		return &glslUnavailable{"the Vulkan loader reports no device; " + vk.Fix}
	}
	return &glslUnavailable{"no Vulkan device can run the GLSL shaders (" + strings.Join(why, "; ") + "); " + vk.Fix}
}

// compileGLSL compiles one shader with glslangValidator in dir and returns its SPIR-V.
func compileGLSL(ctx context.Context, glslang, dir, name string, src []byte, defines []string) ([]uint32, error) {
	in := filepath.Join(dir, name+".comp")
	out := filepath.Join(dir, name+".spv")
	if err := os.WriteFile(in, src, 0o644); err != nil {
		return nil, err
	}
	args := append(append(append([]string{}, glslangFlags...), defines...), "-o", out, in)
	if msg, err := exec.CommandContext(ctx, glslang, args...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s %s: %v: %s", filepath.Base(glslang), strings.Join(args, " "), err, firstLines(msg, 6))
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("%s: %d bytes of SPIR-V is not a whole number of words", out, len(b))
	}
	code := make([]uint32, len(b)/4)
	for i := range code {
		code[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return code, nil
}

// close destroys the pipelines, the device and the instance.
func (g *glslRef) close() {
	for _, p := range g.pipes {
		p.Destroy()
	}
	g.pipes = nil
	if g.dev != nil {
		g.dev.Close()
		g.dev = nil
	}
	if g.in != nil {
		g.in.Destroy()
		g.in = nil
	}
}

// glslAlloc allocates n zeroed elements in host-visible memory of the GLSL reference's device,
// freed by m.free.
func glslAlloc[T any](m *mem, n int) ([]T, error) {
	g := m.glsl
	size := uint64(n) * uint64(unsafe.Sizeof(*new(T)))
	a, err := g.dev.Alloc(vk.HostVisible, size)
	if err != nil {
		return nil, err
	}
	if a.Host() == nil {
		g.dev.Free(a)
		return nil, fmt.Errorf("vulkan: device %q gave host-visible memory that is not mapped", g.device)
	}
	s := unsafe.Slice((*T)(a.Host()), n)
	clear(s) // memory from Alloc is not zeroed; make's is
	key := a.Host()
	g.mu.Lock()
	g.allocs[key] = a
	g.mu.Unlock()
	m.frees = append(m.frees, func() error {
		g.mu.Lock()
		delete(g.allocs, key)
		g.mu.Unlock()
		g.dev.Free(a)
		return nil
	})
	return s, nil
}

// glslAddr returns the device address of a buffer from glslAlloc.
func glslAddr[T any](g *glslRef, s []T) uint64 {
	g.mu.Lock()
	a := g.allocs[unsafe.Pointer(unsafe.SliceData(s))]
	g.mu.Unlock()
	if a == nil {
		panic("geobacter: BUG: bench: a buffer of the GLSL reference that glslAlloc did not allocate")
	}
	return a.Address
}

// pushConstants are the bytes of a shader's push-constant block, in its order: the buffer
// references (8 bytes) first, then the 4-byte values, so that std430 puts no padding between
// them.
type pushConstants []byte

func (p pushConstants) addr(a uint64) pushConstants { return binary.LittleEndian.AppendUint64(p, a) }
func (p pushConstants) u32(v int) pushConstants {
	return binary.LittleEndian.AppendUint32(p, uint32(v))
}
func (p pushConstants) f32(v float32) pushConstants {
	return binary.LittleEndian.AppendUint32(p, math.Float32bits(v))
}

// dispatch runs one shader over a grid of groups and waits for it. When ctx ends first, it
// still waits for the device to finish, so that the buffers can be freed.
func (g *glslRef) dispatch(ctx context.Context, name string, groups [3]uint32, push pushConstants) error {
	l := &vk.Launch{
		PushConstants: push,
		Dispatches:    []vk.Dispatch{{Pipeline: g.pipes[name], Count: groups}},
	}
	job, err := g.dev.Run(ctx, l)
	if err != nil {
		if job != nil {
			job.Wait(context.Background())
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// grid1 returns the grid of groups of a one-dimensional shader of n work-items in groups of
// size: a row of groups, or rows of at most the device's maxComputeWorkGroupCount[0] groups when
// there are more (the shaders number the groups row by row).
func (g *glslRef) grid1(n, size int) [3]uint32 {
	groups := uint32((n + size - 1) / size)
	maxX := g.dev.Physical.Limits.MaxComputeWorkGroupCount[0]
	if groups <= maxX {
		return [3]uint32{groups, 1, 1}
	}
	rows := (groups + maxX - 1) / maxX
	return [3]uint32{(groups + rows - 1) / rows, rows, 1}
}

// grid2 returns the grid of groups of a two-dimensional shader of w×h work-items in groups of
// side×side.
func grid2(w, h, side int) [3]uint32 {
	return [3]uint32{uint32((w + side - 1) / side), uint32((h + side - 1) / side), 1}
}

func (s *saxpyState) runGLSL(ctx context.Context, g *glslRef) error {
	push := pushConstants{}.addr(glslAddr(g, s.x)).addr(glslAddr(g, s.y)).f32(saxpyA).u32(len(s.y))
	return g.dispatch(ctx, "saxpy", g.grid1(len(s.y), saxpyGroup), push)
}

func (s *reduceState) runGLSL(ctx context.Context, g *glslRef) error {
	s.out[0] = 0
	push := pushConstants{}.addr(glslAddr(g, s.in)).addr(glslAddr(g, s.out)).u32(len(s.in))
	if err := g.dispatch(ctx, "reduce", [3]uint32{uint32(reduceGroups(len(s.in))), 1, 1}, push); err != nil {
		return err
	}
	s.sum = float64(s.out[0])
	return nil
}

func (s *sgemmState) runGLSL(ctx context.Context, g *glslRef) error {
	n := s.n
	push := pushConstants{}.addr(glslAddr(g, s.a)).addr(glslAddr(g, s.b)).addr(glslAddr(g, s.c)).u32(n).u32(n).u32(n)
	return g.dispatch(ctx, "sgemm", grid2(n, n, tile), push)
}

// jacobi runs one sweep of the stencil from in to out, n×n.
func (g *glslRef) jacobi(ctx context.Context, n int, in, out []float32) error {
	push := pushConstants{}.addr(glslAddr(g, in)).addr(glslAddr(g, out)).u32(n).u32(n)
	return g.dispatch(ctx, "stencil", grid2(n-2, n-2, stencilGroup), push)
}

func (s *nbodyState) runGLSL(ctx context.Context, g *glslRef) error {
	push := pushConstants{}.addr(glslAddr(g, s.pos)).addr(glslAddr(g, s.newPos)).addr(glslAddr(g, s.vel)).
		u32(len(s.pos)).f32(nbodyDt).f32(nbodyEps2)
	return g.dispatch(ctx, "nbody", g.grid1(len(s.pos), nbodyGroup), push)
}

func (s *mandelbrotState) runGLSL(ctx context.Context, g *glslRef) error {
	n := s.n
	v := mandelbrotView(n)
	push := pushConstants{}.addr(glslAddr(g, s.iter)).u32(n).u32(n).u32(s.maxIter).f32(v.X0).f32(v.Y0).f32(v.Step)
	return g.dispatch(ctx, "mandelbrot", grid2(n, n, mandelbrotGroup), push)
}

func (s *histogramState) runGLSL(ctx context.Context, g *glslRef) error {
	push := pushConstants{}.addr(glslAddr(g, s.data)).addr(glslAddr(g, s.bins)).u32(len(s.data))
	return g.dispatch(ctx, "histogram", [3]uint32{uint32(histogramGroups(len(s.data))), 1, 1}, push)
}

// errGLSLUnavailable reports whether err says that the GLSL reference cannot run here.
func errGLSLUnavailable(err error) bool {
	var u *glslUnavailable
	return errors.As(err, &u)
}
