// Package vk is the Vulkan runtime layer of the `vulkan` device: a small hand-written binding of
// the part of the Vulkan API a compute runtime needs, and the runtime objects built on it.
//
// It owns loading the Vulkan loader (libvulkan.so.1, by its SONAME) at run time; the instance
// and the enumeration of physical devices with their properties, limits, features, extensions,
// memory and queues; logical devices with one compute queue and exactly the features asked
// for; a sub-allocator of device memory whose allocations are addressed by buffer device
// address; compute pipelines (SPIR-V modules, one push-constant range, no descriptor sets,
// specialisation constants for the group size, VK_PIPELINE_CREATE_DISPATCH_BASE_BIT, a pipeline
// cache per device); and the submission of launches (push constants, vkCmdDispatchBase pieces,
// copies, barriers, timestamps, fences) with waits that respect a context. Every VkResult is an
// error named as in the Vulkan headers (Result). No graphics.
//
// The device package internal/device/vulkan is to build on it: it turns a Probe into Instance and
// PhysicalDevices, opens a Device with the Features the SPIR-V backend's modules need, makes a
// Pipeline per kernel and group size, marshals the kernel's arguments into push constants or an
// Allocation as the ABI in internal/backend/spirv says, and runs each launch with Device.Run.
// This package knows nothing of kernels, IR or the device registry.
//
// # Why hand-written
//
// The project builds with CGO_ENABLED=0, so the Go bindings of Vulkan that exist
// (vulkan-go/vulkan and its forks, generated over the C headers) cannot be used, and no pure-Go
// binding covers Vulkan 1.3 compute with buffer device address. The subset needed here is small:
// about sixty commands and forty structures. Commands are called with purego.SyscallN (every
// argument of these commands is an integer or a pointer), their addresses fetched once through
// vkGetInstanceProcAddr and vkGetDeviceProcAddr. The structures are Go types with C's layout on linux/amd64 and arm64,
// checked member by member against C by TestLayout.
//
// # Memory passed to Vulkan
//
// Nothing passed to Vulkan lives in the Go heap. Create-info structures, their pNext chains,
// strings, arrays, push-constant bytes and the out-parameters Vulkan writes are all placed in
// arenas: memory mapped from the operating system (mmap), outside the Go heap, reset after
// each call and reused. The garbage collector never sees that memory, so it can neither move
// nor free it during a call, Go pointers never get stored where C reads them (the cgo pointer
// rules), and no pinning is needed. runtime.Pinner would also work, but every structure holding
// a pointer would need each pointee pinned and unpinned, and a forgotten one is a silent
// use-after-free; an arena makes that impossible by construction. A command context keeps its
// own arena, so recording a launch maps no new memory once the context is warm.
//
// # Concurrency
//
// Instance, Device, Pipeline and Job methods are safe for concurrent use. Each submission takes
// a command context (command pool, command buffer, fence, query pool) from the device's pool, so
// goroutines record at the same time without locks; the queue is locked only for vkQueueSubmit.
// A Job's Wait first polls its fence for a few tens of microseconds (a blocking wait costs a
// thread wake-up, which dominates short launches), then waits in the driver in slices of 2 ms
// so that a cancelled context returns promptly. The GPU work still runs to completion, and the
// context's command buffer and fence are reused only once it has (Run leaves a goroutine to wait
// for it; Close waits for every job). Allocations and pipelines a launch uses must likewise
// outlive its GPU work: free them only after Wait returned nil or Done reported true.
//
// Set GEOBACTER_VULKAN_VALIDATION=1 to enable VK_LAYER_KHRONOS_validation in new instances
// when it is installed; the errors and warnings it reports are collected, for
// Instance.ValidationMessages (the tests fail on any).
package vk
