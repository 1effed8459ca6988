package vk

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

//go:generate glslangValidator --target-env vulkan1.2 -V testdata/saxpy.comp -o testdata/saxpy.spv
//go:generate glslangValidator --target-env vulkan1.2 -V testdata/panic.comp -o testdata/panic.spv
//go:generate glslangValidator --target-env vulkan1.2 -V testdata/empty.comp -o testdata/empty.spv

// required reports whether GEOBACTER_REQUIRE names vulkan: then a missing Vulkan device fails
// the tests instead of skipping them.
func required() bool {
	for _, k := range strings.Split(os.Getenv("GEOBACTER_REQUIRE"), ",") {
		if strings.TrimSpace(k) == "vulkan" {
			return true
		}
	}
	return false
}

// testEnv is the instance and physical device the device tests share.
var testEnv struct {
	once   sync.Once
	in     *Instance
	pd     *PhysicalDevice
	reason string // why there is no usable device
}

// testFeatures are the features the test shaders need.
var testFeatures = Features{ShaderInt64: true}

// physical returns the first physical device that can run the test shaders, or skips the test
// (fails it under GEOBACTER_REQUIRE=vulkan) saying why there is none.
func physical(t testing.TB) *PhysicalDevice {
	t.Helper()
	testEnv.once.Do(func() {
		in, err := NewInstance()
		if err != nil {
			testEnv.reason = err.Error()
			return
		}
		pds, err := in.PhysicalDevices()
		if err != nil {
			testEnv.reason = err.Error()
			return
		}
		if len(pds) == 0 {
			testEnv.reason = "the Vulkan loader reports no physical device; " + Fix
			return
		}
		var why []string
		for _, p := range pds {
			if p.Version < MakeVersion(1, 2, 0) {
				why = append(why, p.Name+": Vulkan "+p.Version.String())
				continue
			}
			if m := testFeatures.Union(Features{BufferDeviceAddress: true}).Missing(p.Features); len(m) > 0 {
				why = append(why, p.Name+": lacks "+strings.Join(m, ", "))
				continue
			}
			testEnv.in, testEnv.pd = in, p
			return
		}
		testEnv.reason = "no Vulkan device can run the tests (" + strings.Join(why, "; ") + "); " + Fix
	})
	if testEnv.pd == nil {
		if required() {
			t.Fatalf("GEOBACTER_REQUIRE names vulkan, but: %s", testEnv.reason)
		}
		t.Skip(testEnv.reason)
	}
	return testEnv.pd
}

// openDevice opens a device for a test with the test features and closes it at the end,
// checking that the test freed and destroyed what it made.
func openDevice(t testing.TB, opts DeviceOptions) *Device {
	t.Helper()
	p := physical(t)
	opts.Features = opts.Features.Union(testFeatures)
	d, err := NewDevice(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, m := range testEnv.in.ValidationMessages() {
			t.Errorf("validation: %s", m)
		}
		l := d.Live()
		if l.Allocations != 0 || l.ShaderModules != 0 || l.Pipelines != 0 {
			t.Errorf("leaked: %+v", l)
		}
		if err := d.Close(); err != nil {
			t.Error(err)
		}
		if l := d.Live(); l.CommandContexts != 0 {
			t.Errorf("Close left %d command contexts", l.CommandContexts)
		}
	})
	return d
}

// loadSPIRV reads a compiled test shader.
func loadSPIRV(t testing.TB, name string) []uint32 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if len(b)%4 != 0 {
		t.Fatalf("%s: %d bytes is not a whole number of words", name, len(b))
	}
	w := make([]uint32, len(b)/4)
	for i := range w {
		w[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return w
}

// pipeline makes a pipeline from a test shader for one group size.
func pipeline(t testing.TB, d *Device, shader string, pushSize uint32, group [3]uint32) *Pipeline {
	t.Helper()
	m, err := d.NewShaderModule(loadSPIRV(t, shader))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Destroy()
	p, err := d.NewPipeline(m, PipelineOptions{PushConstantSize: pushSize, GroupSize: group})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Destroy)
	return p
}

// header is the push constants' launch header of the ABI.
type header struct {
	panicRecord uint64
	global      [3]uint32
	groups      [3]uint32
	local       [3]uint32
}

// bytes returns the 48 bytes of the header, ready for the arguments to be appended.
func (h header) bytes() []byte {
	b := binary.LittleEndian.AppendUint64(nil, h.panicRecord)
	for _, v := range [][3]uint32{h.global, h.groups, h.local} {
		for _, x := range v {
			b = binary.LittleEndian.AppendUint32(b, x)
		}
	}
	return binary.LittleEndian.AppendUint32(b, 0)
}

// newHeader makes the header of a launch over global work-items in groups of local.
func newHeader(panicRecord uint64, global, local [3]uint32) header {
	h := header{panicRecord: panicRecord, global: global, local: local}
	for i := range 3 {
		h.groups[i] = (global[i] + local[i] - 1) / local[i]
	}
	return h
}

// panicRecord is the ABI's panic record as read back.
type panicRecord struct {
	flag, site uint32
	a, b       int64
	item       [3]uint32
}

func readPanic(b []byte) panicRecord {
	le := binary.LittleEndian
	return panicRecord{
		flag: le.Uint32(b[0:]), site: le.Uint32(b[4:]),
		a: int64(le.Uint64(b[8:])), b: int64(le.Uint64(b[16:])),
		item: [3]uint32{le.Uint32(b[24:]), le.Uint32(b[28:]), le.Uint32(b[32:])},
	}
}
