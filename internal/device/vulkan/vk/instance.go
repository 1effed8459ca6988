package vk

import (
	"fmt"
	"os"
	"slices"
	"sync"
	"unsafe"
)

// Version is a Vulkan API version, packed as VK_MAKE_API_VERSION packs it.
type Version uint32

// MakeVersion packs a version.
func MakeVersion(major, minor, patch uint32) Version {
	return Version(major<<22 | minor<<12 | patch)
}

// Major, Minor and Patch unpack the version.
func (v Version) Major() uint32 { return uint32(v>>22) & 0x7f }
func (v Version) Minor() uint32 { return uint32(v>>12) & 0x3ff }
func (v Version) Patch() uint32 { return uint32(v) & 0xfff }

func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major(), v.Minor(), v.Patch()) }

// DeviceType is VkPhysicalDeviceType.
type DeviceType uint32

const (
	DeviceOther         DeviceType = 0
	DeviceIntegratedGPU DeviceType = 1
	DeviceDiscreteGPU   DeviceType = 2
	DeviceVirtualGPU    DeviceType = 3
	DeviceCPU           DeviceType = 4
)

func (t DeviceType) String() string {
	switch t {
	case DeviceIntegratedGPU:
		return "integrated"
	case DeviceDiscreteGPU:
		return "discrete"
	case DeviceVirtualGPU:
		return "virtual"
	case DeviceCPU:
		return "cpu"
	}
	return "other"
}

// ValidationEnv is the environment variable that, set to 1, enables VK_LAYER_KHRONOS_validation
// in new instances when the layer is installed.
const ValidationEnv = "GEOBACTER_VULKAN_VALIDATION"

const validationLayer = "VK_LAYER_KHRONOS_validation"

// Instance is a VkInstance. Its methods are safe for concurrent use.
type Instance struct {
	handle     uintptr
	fn         instanceFuncs
	APIVersion Version  // the version the instance was created with
	Layers     []string // the layers enabled

	messenger        uint64 // VkDebugUtilsMessengerEXT, with validation
	messengerKey     uintptr
	destroyMessenger uintptr
	valMu            sync.Mutex
	valMsgs          []string
}

// NewInstance loads Vulkan (Load) and creates an instance for API version 1.3, or 1.0 when the
// loader is a Vulkan 1.0 one. No layer is enabled unless GEOBACTER_VULKAN_VALIDATION=1, which
// enables the Khronos validation layer if it is installed.
func NewInstance() (*Instance, error) {
	if err := Load(); err != nil {
		return nil, err
	}
	a := getArena()
	defer putArena(a)

	loader := MakeVersion(1, 0, 0)
	if global.enumerateInstanceVersion != 0 {
		p := newT[uint32](a)
		if r := Result(call(global.enumerateInstanceVersion, addrOf(p))); r == Success {
			loader = Version(*p)
		}
	}
	api := MakeVersion(1, 3, 0)
	if loader < MakeVersion(1, 1, 0) {
		return nil, &LoadError{
			Err: fmt.Errorf("vulkan: the Vulkan loader supports Vulkan %v only; 1.1 or newer is needed", loader),
			Fix: "install a newer Vulkan loader (libvulkan1)",
		}
	}

	var layers []string
	if os.Getenv(ValidationEnv) == "1" {
		names, err := instanceLayers()
		if err != nil {
			return nil, err
		}
		if slices.Contains(names, validationLayer) {
			layers = append(layers, validationLayer)
		}
	}
	var exts []string
	var flags uint32
	available, _ := instanceExtensions()
	if slices.Contains(available, "VK_KHR_portability_enumeration") {
		exts = append(exts, "VK_KHR_portability_enumeration")
		flags |= instanceCreateEnumeratePortability
	}
	messenger := len(layers) > 0 && slices.Contains(available, "VK_EXT_debug_utils")
	if messenger {
		exts = append(exts, "VK_EXT_debug_utils")
	}

	app := put(a, vkApplicationInfo{
		sType:            stApplicationInfo,
		pApplicationName: a.cstring("geobacter"),
		pEngineName:      a.cstring("geobacter"),
		apiVersion:       uint32(api),
	})
	info := put(a, vkInstanceCreateInfo{
		sType:                   stInstanceCreateInfo,
		flags:                   flags,
		pApplicationInfo:        app,
		enabledLayerCount:       uint32(len(layers)),
		ppEnabledLayerNames:     a.cstrings(layers),
		enabledExtensionCount:   uint32(len(exts)),
		ppEnabledExtensionNames: a.cstrings(exts),
	})
	out := newT[uintptr](a)
	if err := check("vkCreateInstance", Result(call(global.createInstance, info, 0, addrOf(out)))); err != nil {
		if r := err.(*CallError).Result; r == ErrorIncompatibleDriver || r == ErrorInitializationFailed {
			return nil, &LoadError{Err: err, Fix: Fix}
		}
		return nil, err
	}
	in := &Instance{handle: *out, APIVersion: api, Layers: layers}
	if err := bind(global.getProc, in.handle, in.fn.table()); err != nil {
		if in.fn.destroyInstance != 0 {
			call(in.fn.destroyInstance, in.handle, 0)
		}
		return nil, err
	}
	if messenger {
		if err := in.startMessenger(); err != nil {
			in.Destroy()
			return nil, err
		}
	}
	return in, nil
}

// instanceLayers lists the instance layers installed.
func instanceLayers() ([]string, error) {
	a := getArena()
	defer putArena(a)
	n := newT[uint32](a)
	if err := check("vkEnumerateInstanceLayerProperties", Result(call(global.enumerateInstanceLayerProperties, addrOf(n), 0))); err != nil {
		return nil, err
	}
	if *n == 0 {
		return nil, nil
	}
	props := unsafe.Slice((*vkLayerProperties)(a.alloc(int(*n)*int(unsafe.Sizeof(vkLayerProperties{})), 8)), *n)
	r := Result(call(global.enumerateInstanceLayerProperties, addrOf(n), addrOf(&props[0])))
	if r != Success && r != Incomplete {
		return nil, check("vkEnumerateInstanceLayerProperties", r)
	}
	var names []string
	for _, p := range props[:*n] {
		names = append(names, goString(p.layerName[:]))
	}
	return names, nil
}

// instanceExtensions lists the instance extensions the loader and drivers provide.
func instanceExtensions() ([]string, error) {
	a := getArena()
	defer putArena(a)
	n := newT[uint32](a)
	if err := check("vkEnumerateInstanceExtensionProperties", Result(call(global.enumerateInstanceExtensionProperties, 0, addrOf(n), 0))); err != nil {
		return nil, err
	}
	if *n == 0 {
		return nil, nil
	}
	props := unsafe.Slice((*vkExtensionProperties)(a.alloc(int(*n)*int(unsafe.Sizeof(vkExtensionProperties{})), 8)), *n)
	r := Result(call(global.enumerateInstanceExtensionProperties, 0, addrOf(n), addrOf(&props[0])))
	if r != Success && r != Incomplete {
		return nil, check("vkEnumerateInstanceExtensionProperties", r)
	}
	var names []string
	for _, p := range props[:*n] {
		names = append(names, goString(p.extensionName[:]))
	}
	return names, nil
}

// Destroy destroys the instance. Every device created from it must be closed first.
func (in *Instance) Destroy() {
	if in.handle != 0 {
		in.stopMessenger()
		call(in.fn.destroyInstance, in.handle, 0)
		in.handle = 0
	}
}

// Limits are the physical device's limits a compute runtime needs.
type Limits struct {
	MaxComputeWorkGroupCount        [3]uint32
	MaxComputeWorkGroupSize         [3]uint32
	MaxComputeWorkGroupInvocations  uint32
	MaxComputeSharedMemorySize      uint32
	MaxPushConstantsSize            uint32
	MaxStorageBufferRange           uint32
	MaxMemoryAllocationCount        uint32
	MinStorageBufferOffsetAlignment uint64
	NonCoherentAtomSize             uint64
	MaxMemoryAllocationSize         uint64  // 0 when the device does not say (Vulkan 1.0)
	MaxBufferSize                   uint64  // 0 when the device does not say (before Vulkan 1.3)
	TimestampPeriod                 float32 // nanoseconds per timestamp tick
	TimestampComputeAndGraphics     bool
	SubgroupSize                    uint32 // the default subgroup size
	MinSubgroupSize                 uint32 // 0 before Vulkan 1.3
	MaxSubgroupSize                 uint32
	MaxComputeWorkgroupSubgroups    uint32
	SubgroupSupportedOperations     uint32 // VkSubgroupFeatureFlags
}

// MemoryType is one of the device's memory types.
type MemoryType struct {
	Flags uint32 // VkMemoryPropertyFlags
	Heap  int
}

// DeviceLocal, HostVisible, HostCoherent and HostCached test the type's property flags.
func (t MemoryType) DeviceLocal() bool  { return t.Flags&memoryDeviceLocal != 0 }
func (t MemoryType) HostVisible() bool  { return t.Flags&memoryHostVisible != 0 }
func (t MemoryType) HostCoherent() bool { return t.Flags&memoryHostCoherent != 0 }
func (t MemoryType) HostCached() bool   { return t.Flags&memoryHostCached != 0 }

// MemoryHeap is one of the device's memory heaps.
type MemoryHeap struct {
	Size        uint64
	DeviceLocal bool
}

// QueueFamily is one of the device's queue families.
type QueueFamily struct {
	Flags              uint32 // VkQueueFlags
	Count              uint32
	TimestampValidBits uint32
}

// Compute and Graphics test the family's queue flags.
func (q QueueFamily) Compute() bool  { return q.Flags&queueCompute != 0 }
func (q QueueFamily) Graphics() bool { return q.Flags&queueGraphics != 0 }

// PhysicalDevice is a VkPhysicalDevice and what it reports.
type PhysicalDevice struct {
	inst   *Instance
	handle uintptr

	Index         int    // position in the instance's enumeration
	Name          string // deviceName
	Type          DeviceType
	APIVersion    Version // the device's version
	Version       Version // the version usable through the instance: the lower of the two
	DriverVersion uint32  // vendor-specific encoding
	VendorID      uint32
	DeviceID      uint32
	DriverID      uint32 // VkDriverId (0 before Vulkan 1.2)
	DriverName    string
	DriverInfo    string
	Limits        Limits
	Features      Features // the features supported
	Extensions    []string // the device extensions, sorted
	MemoryTypes   []MemoryType
	MemoryHeaps   []MemoryHeap
	QueueFamilies []QueueFamily
}

// HasExtension reports whether the device provides a device extension.
func (p *PhysicalDevice) HasExtension(name string) bool {
	_, ok := slices.BinarySearch(p.Extensions, name)
	return ok
}

// ComputeQueueFamily returns the queue family NewDevice uses: one with compute and without
// graphics when the device has one (a dedicated compute queue), else the first with compute.
func (p *PhysicalDevice) ComputeQueueFamily() (int, bool) {
	for i, q := range p.QueueFamilies {
		if q.Compute() && !q.Graphics() && q.Count > 0 {
			return i, true
		}
	}
	for i, q := range p.QueueFamilies {
		if q.Compute() && q.Count > 0 {
			return i, true
		}
	}
	return -1, false
}

// PhysicalDevices enumerates the instance's physical devices with their properties, features,
// extensions, memory and queue families.
func (in *Instance) PhysicalDevices() ([]*PhysicalDevice, error) {
	a := getArena()
	defer putArena(a)
	n := newT[uint32](a)
	if err := check("vkEnumeratePhysicalDevices", Result(call(in.fn.enumeratePhysicalDevices, in.handle, addrOf(n), 0))); err != nil {
		return nil, err
	}
	if *n == 0 {
		return nil, nil
	}
	handles := unsafe.Slice((*uintptr)(a.alloc(int(*n)*8, 8)), *n)
	r := Result(call(in.fn.enumeratePhysicalDevices, in.handle, addrOf(n), addrOf(&handles[0])))
	if r != Success && r != Incomplete {
		return nil, check("vkEnumeratePhysicalDevices", r)
	}
	var devs []*PhysicalDevice
	for i, h := range handles[:*n] {
		p := &PhysicalDevice{inst: in, handle: h, Index: i}
		if err := p.query(); err != nil {
			return nil, err
		}
		devs = append(devs, p)
	}
	return devs, nil
}

// query fills p from the driver.
func (p *PhysicalDevice) query() error {
	in := p.inst
	a := getArena()
	defer putArena(a)

	// Extensions first: they decide which structures the queries may chain.
	n := newT[uint32](a)
	if err := check("vkEnumerateDeviceExtensionProperties", Result(call(in.fn.enumerateDeviceExtensionProperties, p.handle, 0, addrOf(n), 0))); err != nil {
		return err
	}
	if *n > 0 {
		exts := unsafe.Slice((*vkExtensionProperties)(a.alloc(int(*n)*int(unsafe.Sizeof(vkExtensionProperties{})), 8)), *n)
		r := Result(call(in.fn.enumerateDeviceExtensionProperties, p.handle, 0, addrOf(n), addrOf(&exts[0])))
		if r != Success && r != Incomplete {
			return check("vkEnumerateDeviceExtensionProperties", r)
		}
		for _, e := range exts[:*n] {
			p.Extensions = append(p.Extensions, goString(e.extensionName[:]))
		}
		slices.Sort(p.Extensions)
	}

	// Properties: the core ones, then the chain for the device's version.
	props := newT[vkPhysicalDeviceProperties2](a)
	props.sType = stPhysicalDeviceProperties2
	call(in.fn.getPhysicalDeviceProperties2, p.handle, addrOf(props))
	p.APIVersion = Version(props.properties.apiVersion)
	p.Version = min(p.APIVersion, in.APIVersion)

	sub := newT[vkPhysicalDeviceSubgroupProperties](a)
	sub.sType = stPhysicalDeviceSubgroupProperties
	props.pNext = addrOf(sub)
	var v11 *vkPhysicalDeviceVulkan11Properties
	var v12 *vkPhysicalDeviceVulkan12Properties
	var v13 *vkPhysicalDeviceVulkan13Properties
	if p.Version >= MakeVersion(1, 2, 0) {
		v11 = newT[vkPhysicalDeviceVulkan11Properties](a)
		v11.sType = stPhysicalDeviceVulkan11Properties
		v12 = newT[vkPhysicalDeviceVulkan12Properties](a)
		v12.sType = stPhysicalDeviceVulkan12Properties
		sub.pNext = addrOf(v11)
		v11.pNext = addrOf(v12)
		if p.Version >= MakeVersion(1, 3, 0) {
			v13 = newT[vkPhysicalDeviceVulkan13Properties](a)
			v13.sType = stPhysicalDeviceVulkan13Properties
			v12.pNext = addrOf(v13)
		}
	}
	call(in.fn.getPhysicalDeviceProperties2, p.handle, addrOf(props))

	c := &props.properties
	l := &c.limits
	p.Name = goString(c.deviceName[:])
	p.Type = DeviceType(c.deviceType)
	p.DriverVersion, p.VendorID, p.DeviceID = c.driverVersion, c.vendorID, c.deviceID
	p.Limits = Limits{
		MaxComputeWorkGroupCount:        l.maxComputeWorkGroupCount,
		MaxComputeWorkGroupSize:         l.maxComputeWorkGroupSize,
		MaxComputeWorkGroupInvocations:  l.maxComputeWorkGroupInvocations,
		MaxComputeSharedMemorySize:      l.maxComputeSharedMemorySize,
		MaxPushConstantsSize:            l.maxPushConstantsSize,
		MaxStorageBufferRange:           l.maxStorageBufferRange,
		MaxMemoryAllocationCount:        l.maxMemoryAllocationCount,
		MinStorageBufferOffsetAlignment: l.minStorageBufferOffsetAlignment,
		NonCoherentAtomSize:             l.nonCoherentAtomSize,
		TimestampPeriod:                 l.timestampPeriod,
		TimestampComputeAndGraphics:     l.timestampComputeAndGraphics != 0,
		SubgroupSize:                    sub.subgroupSize,
		SubgroupSupportedOperations:     sub.supportedOperations,
	}
	if v11 != nil {
		p.Limits.MaxMemoryAllocationSize = v11.maxMemoryAllocationSize
		p.DriverID = v12.driverID
		p.DriverName = goString(v12.driverName[:])
		p.DriverInfo = goString(v12.driverInfo[:])
	}
	if v13 != nil {
		p.Limits.MinSubgroupSize = v13.minSubgroupSize
		p.Limits.MaxSubgroupSize = v13.maxSubgroupSize
		p.Limits.MaxComputeWorkgroupSubgroups = v13.maxComputeWorkgroupSubgroups
		p.Limits.MaxBufferSize = v13.maxBufferSize
	}

	// Features.
	fc := newFeatureChain(a, p.Version, p.HasExtension)
	call(in.fn.getPhysicalDeviceFeatures2, p.handle, addrOf(fc.head))
	p.Features = fc.read()

	// Memory.
	mem := newT[vkPhysicalDeviceMemoryProperties](a)
	call(in.fn.getPhysicalDeviceMemoryProperties, p.handle, addrOf(mem))
	for _, t := range mem.memoryTypes[:min(mem.memoryTypeCount, 32)] {
		p.MemoryTypes = append(p.MemoryTypes, MemoryType{Flags: t.propertyFlags, Heap: int(t.heapIndex)})
	}
	for _, h := range mem.memoryHeaps[:min(mem.memoryHeapCount, 16)] {
		p.MemoryHeaps = append(p.MemoryHeaps, MemoryHeap{Size: h.size, DeviceLocal: h.flags&heapDeviceLocal != 0})
	}

	// Queue families.
	*n = 0
	call(in.fn.getPhysicalDeviceQueueFamilyProperties, p.handle, addrOf(n), 0)
	if *n > 0 {
		qs := unsafe.Slice((*vkQueueFamilyProperties)(a.alloc(int(*n)*int(unsafe.Sizeof(vkQueueFamilyProperties{})), 8)), *n)
		call(in.fn.getPhysicalDeviceQueueFamilyProperties, p.handle, addrOf(n), addrOf(&qs[0]))
		for _, q := range qs[:*n] {
			p.QueueFamilies = append(p.QueueFamilies, QueueFamily{Flags: q.queueFlags, Count: q.queueCount, TimestampValidBits: q.timestampValidBits})
		}
	}
	return nil
}
