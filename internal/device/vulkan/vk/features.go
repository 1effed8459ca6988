package vk

import (
	"fmt"
	"strings"
)

// Features are the device features a compute runtime asks for. A PhysicalDevice reports the
// ones it supports; NewDevice enables exactly the ones set in DeviceOptions.Features (and
// BufferDeviceAddress, which the allocator needs). Each field is the Vulkan feature of the same
// name, in VkPhysicalDeviceFeatures, VkPhysicalDeviceVulkan1{1,2,3}Features or the
// VK_EXT_shader_atomic_float{,2} structures.
type Features struct {
	ShaderInt64                         bool
	ShaderFloat64                       bool
	ShaderInt16                         bool
	ShaderInt8                          bool
	ShaderFloat16                       bool
	StorageBuffer8BitAccess             bool
	StorageBuffer16BitAccess            bool
	BufferDeviceAddress                 bool
	VariablePointers                    bool
	VariablePointersStorageBuffer       bool
	VulkanMemoryModel                   bool
	VulkanMemoryModelDeviceScope        bool
	ScalarBlockLayout                   bool
	ShaderBufferInt64Atomics            bool
	ShaderSharedInt64Atomics            bool
	ShaderBufferFloat32Atomics          bool // load, store and exchange (VK_EXT_shader_atomic_float)
	ShaderBufferFloat32AtomicAdd        bool
	ShaderBufferFloat64Atomics          bool
	ShaderBufferFloat64AtomicAdd        bool
	ShaderSharedFloat32Atomics          bool
	ShaderSharedFloat32AtomicAdd        bool
	ShaderSharedFloat64Atomics          bool
	ShaderSharedFloat64AtomicAdd        bool
	ShaderBufferFloat32AtomicMinMax     bool // VK_EXT_shader_atomic_float2
	ShaderBufferFloat64AtomicMinMax     bool
	ShaderSharedFloat32AtomicMinMax     bool
	ShaderSharedFloat64AtomicMinMax     bool
	Maintenance4                        bool
	SubgroupSizeControl                 bool
	ComputeFullSubgroups                bool
	ShaderZeroInitializeWorkgroupMemory bool
}

// The structures a feature lives in.
const (
	inCore10 = iota // VkPhysicalDeviceFeatures
	inVulkan11
	inVulkan12
	inVulkan13
	inAtomicFloat  // VK_EXT_shader_atomic_float
	inAtomicFloat2 // VK_EXT_shader_atomic_float2
	numFeatureStructs
)

// featureStructVersion is the device API version a structure needs, and featureStructExt the
// extension (empty for core ones).
var (
	featureStructVersion = [numFeatureStructs]Version{MakeVersion(1, 0, 0), MakeVersion(1, 2, 0), MakeVersion(1, 2, 0), MakeVersion(1, 3, 0), MakeVersion(1, 1, 0), MakeVersion(1, 1, 0)}
	featureStructExt     = [numFeatureStructs]string{"", "", "", "", "VK_EXT_shader_atomic_float", "VK_EXT_shader_atomic_float2"}
)

// featureTable maps each field of Features to its VkBool32's structure and index there (the
// member's position in vulkan_core.h).
var featureTable = []struct {
	name  string // the Vulkan member's name
	in    int
	index int
	field func(*Features) *bool
}{
	{"shaderFloat64", inCore10, 39, func(f *Features) *bool { return &f.ShaderFloat64 }},
	{"shaderInt64", inCore10, 40, func(f *Features) *bool { return &f.ShaderInt64 }},
	{"shaderInt16", inCore10, 41, func(f *Features) *bool { return &f.ShaderInt16 }},
	{"storageBuffer16BitAccess", inVulkan11, 0, func(f *Features) *bool { return &f.StorageBuffer16BitAccess }},
	{"variablePointersStorageBuffer", inVulkan11, 7, func(f *Features) *bool { return &f.VariablePointersStorageBuffer }},
	{"variablePointers", inVulkan11, 8, func(f *Features) *bool { return &f.VariablePointers }},
	{"storageBuffer8BitAccess", inVulkan12, 2, func(f *Features) *bool { return &f.StorageBuffer8BitAccess }},
	{"shaderBufferInt64Atomics", inVulkan12, 5, func(f *Features) *bool { return &f.ShaderBufferInt64Atomics }},
	{"shaderSharedInt64Atomics", inVulkan12, 6, func(f *Features) *bool { return &f.ShaderSharedInt64Atomics }},
	{"shaderFloat16", inVulkan12, 7, func(f *Features) *bool { return &f.ShaderFloat16 }},
	{"shaderInt8", inVulkan12, 8, func(f *Features) *bool { return &f.ShaderInt8 }},
	{"scalarBlockLayout", inVulkan12, 31, func(f *Features) *bool { return &f.ScalarBlockLayout }},
	{"bufferDeviceAddress", inVulkan12, 38, func(f *Features) *bool { return &f.BufferDeviceAddress }},
	{"vulkanMemoryModel", inVulkan12, 41, func(f *Features) *bool { return &f.VulkanMemoryModel }},
	{"vulkanMemoryModelDeviceScope", inVulkan12, 42, func(f *Features) *bool { return &f.VulkanMemoryModelDeviceScope }},
	{"subgroupSizeControl", inVulkan13, 7, func(f *Features) *bool { return &f.SubgroupSizeControl }},
	{"computeFullSubgroups", inVulkan13, 8, func(f *Features) *bool { return &f.ComputeFullSubgroups }},
	{"shaderZeroInitializeWorkgroupMemory", inVulkan13, 11, func(f *Features) *bool { return &f.ShaderZeroInitializeWorkgroupMemory }},
	{"maintenance4", inVulkan13, 14, func(f *Features) *bool { return &f.Maintenance4 }},
	{"shaderBufferFloat32Atomics", inAtomicFloat, 0, func(f *Features) *bool { return &f.ShaderBufferFloat32Atomics }},
	{"shaderBufferFloat32AtomicAdd", inAtomicFloat, 1, func(f *Features) *bool { return &f.ShaderBufferFloat32AtomicAdd }},
	{"shaderBufferFloat64Atomics", inAtomicFloat, 2, func(f *Features) *bool { return &f.ShaderBufferFloat64Atomics }},
	{"shaderBufferFloat64AtomicAdd", inAtomicFloat, 3, func(f *Features) *bool { return &f.ShaderBufferFloat64AtomicAdd }},
	{"shaderSharedFloat32Atomics", inAtomicFloat, 4, func(f *Features) *bool { return &f.ShaderSharedFloat32Atomics }},
	{"shaderSharedFloat32AtomicAdd", inAtomicFloat, 5, func(f *Features) *bool { return &f.ShaderSharedFloat32AtomicAdd }},
	{"shaderSharedFloat64Atomics", inAtomicFloat, 6, func(f *Features) *bool { return &f.ShaderSharedFloat64Atomics }},
	{"shaderSharedFloat64AtomicAdd", inAtomicFloat, 7, func(f *Features) *bool { return &f.ShaderSharedFloat64AtomicAdd }},
	{"shaderBufferFloat32AtomicMinMax", inAtomicFloat2, 3, func(f *Features) *bool { return &f.ShaderBufferFloat32AtomicMinMax }},
	{"shaderBufferFloat64AtomicMinMax", inAtomicFloat2, 4, func(f *Features) *bool { return &f.ShaderBufferFloat64AtomicMinMax }},
	{"shaderSharedFloat32AtomicMinMax", inAtomicFloat2, 8, func(f *Features) *bool { return &f.ShaderSharedFloat32AtomicMinMax }},
	{"shaderSharedFloat64AtomicMinMax", inAtomicFloat2, 9, func(f *Features) *bool { return &f.ShaderSharedFloat64AtomicMinMax }},
}

// Names returns the Vulkan names of the features set in f, in a fixed order.
func (f Features) Names() []string {
	var names []string
	for _, e := range featureTable {
		if *e.field(&f) {
			names = append(names, e.name)
		}
	}
	return names
}

// Missing returns the Vulkan names of the features set in f that have lacks.
func (f Features) Missing(have Features) []string {
	var names []string
	for _, e := range featureTable {
		if *e.field(&f) && !*e.field(&have) {
			names = append(names, e.name)
		}
	}
	return names
}

// Union returns the features set in f or in g.
func (f Features) Union(g Features) Features {
	for _, e := range featureTable {
		if *e.field(&g) {
			*e.field(&f) = true
		}
	}
	return f
}

// String lists the features set, as Names does.
func (f Features) String() string { return strings.Join(f.Names(), " ") }

// FeatureError is a device that lacks features a caller asked for.
type FeatureError struct {
	Device  string   // the device's name
	Missing []string // the Vulkan names of the missing features
}

func (e *FeatureError) Error() string {
	return fmt.Sprintf("vulkan: device %q does not support %s", e.Device, strings.Join(e.Missing, ", "))
}

// featureChain is a VkPhysicalDeviceFeatures2 chain in arena memory, with the structures a
// device of a given version and extensions can take.
type featureChain struct {
	head *vkPhysicalDeviceFeatures2
	v11  *vkPhysicalDeviceVulkan11Features
	v12  *vkPhysicalDeviceVulkan12Features
	v13  *vkPhysicalDeviceVulkan13Features
	af   *vkPhysicalDeviceAtomicFloat
	af2  *vkPhysicalDeviceAtomicFloat2
}

// newFeatureChain builds a zeroed chain in a holding the structures that version and the
// extensions for which has reports true allow.
func newFeatureChain(a *arena, version Version, has func(ext string) bool) *featureChain {
	c := &featureChain{head: newT[vkPhysicalDeviceFeatures2](a)}
	c.head.sType = stPhysicalDeviceFeatures2
	next := &c.head.pNext
	link := func(p *uintptr, addr uintptr) {
		*next = addr
		next = p
	}
	if version >= featureStructVersion[inVulkan11] {
		c.v11 = newT[vkPhysicalDeviceVulkan11Features](a)
		c.v11.sType = stPhysicalDeviceVulkan11Features
		link(&c.v11.pNext, addrOf(c.v11))
		c.v12 = newT[vkPhysicalDeviceVulkan12Features](a)
		c.v12.sType = stPhysicalDeviceVulkan12Features
		link(&c.v12.pNext, addrOf(c.v12))
	}
	if version >= featureStructVersion[inVulkan13] {
		c.v13 = newT[vkPhysicalDeviceVulkan13Features](a)
		c.v13.sType = stPhysicalDeviceVulkan13Features
		link(&c.v13.pNext, addrOf(c.v13))
	}
	if has(featureStructExt[inAtomicFloat]) {
		c.af = newT[vkPhysicalDeviceAtomicFloat](a)
		c.af.sType = stPhysicalDeviceAtomicFloat
		link(&c.af.pNext, addrOf(c.af))
	}
	if has(featureStructExt[inAtomicFloat2]) {
		c.af2 = newT[vkPhysicalDeviceAtomicFloat2](a)
		c.af2.sType = stPhysicalDeviceAtomicFloat2
		link(&c.af2.pNext, addrOf(c.af2))
	}
	return c
}

// bools returns the VkBool32 array of structure in, or nil when the chain lacks it.
func (c *featureChain) bools(in int) []uint32 {
	switch in {
	case inCore10:
		return c.head.features[:]
	case inVulkan11:
		if c.v11 != nil {
			return c.v11.b[:]
		}
	case inVulkan12:
		if c.v12 != nil {
			return c.v12.b[:]
		}
	case inVulkan13:
		if c.v13 != nil {
			return c.v13.b[:]
		}
	case inAtomicFloat:
		if c.af != nil {
			return c.af.b[:]
		}
	case inAtomicFloat2:
		if c.af2 != nil {
			return c.af2.b[:]
		}
	}
	return nil
}

// read returns the features the chain reports.
func (c *featureChain) read() Features {
	var f Features
	for _, e := range featureTable {
		if b := c.bools(e.in); b != nil && b[e.index] != 0 {
			*e.field(&f) = true
		}
	}
	return f
}

// write sets the chain's booleans to f. It fails naming a feature the chain has no structure
// for.
func (c *featureChain) write(f Features) error {
	for _, e := range featureTable {
		if !*e.field(&f) {
			continue
		}
		b := c.bools(e.in)
		if b == nil {
			return fmt.Errorf("vulkan: feature %s needs Vulkan %v or %s", e.name, featureStructVersion[e.in], featureStructExt[e.in])
		}
		b[e.index] = vkTrue
	}
	return nil
}

// uses reports whether f sets any feature of structure in.
func (f Features) uses(in int) bool {
	for _, e := range featureTable {
		if e.in == in && *e.field(&f) {
			return true
		}
	}
	return false
}
