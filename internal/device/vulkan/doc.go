// Package vulkan is the `vulkan` device: it compiles a kernel's IR to SPIR-V
// (internal/backend/spirv) and runs it through the Vulkan API (internal/device/vulkan/vk) on any
// Vulkan 1.2 device with buffer device address, such as a GPU or Mesa's lavapipe.
//
// A launch marshals the kernel's argument struct into the ABI of internal/backend/spirv: the
// struct's bytes with every host pointer replaced by a device address (internal/device/marshal). Memory from
// geobacter.Alloc on this device is the device's own host-visible memory, so its address is
// found without copying; any other Go memory a kernel reaches is staged: copied into device
// memory before the launch and, when the kernel writes it (ir.Func.Access), back after it.
package vulkan
