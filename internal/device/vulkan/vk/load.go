package vk

import (
	"fmt"
	"sync"
)

// Fix is what to install when no Vulkan loader or no Vulkan device is found.
const Fix = "install the Vulkan loader and a driver: apt-get install libvulkan1 mesa-vulkan-drivers " +
	"(Mesa's lavapipe runs Vulkan on the CPU), or your GPU vendor's Vulkan driver"

// LoadError says why the Vulkan loader could not be used, and what to do about it.
type LoadError struct {
	Err error
	Fix string
}

func (e *LoadError) Error() string { return e.Err.Error() + "; " + e.Fix }

func (e *LoadError) Unwrap() error { return e.Err }

// The loader's global commands, bound once by Load.
var global struct {
	once    sync.Once
	err     error
	lib     uintptr
	getProc uintptr // vkGetInstanceProcAddr

	createInstance                       uintptr
	enumerateInstanceVersion             uintptr // 0 with a Vulkan 1.0 loader
	enumerateInstanceLayerProperties     uintptr
	enumerateInstanceExtensionProperties uintptr
}

// Load opens the Vulkan loader (libvulkan.so.1, else libvulkan.so) and binds its global
// commands. It does so once per process and returns the same result on every call; the error
// is a *LoadError.
func Load() error {
	global.once.Do(func() {
		lib, gp, err := openLibrary()
		if err != nil {
			global.err = &LoadError{Err: fmt.Errorf("vulkan: cannot open the Vulkan loader: %w", err), Fix: Fix}
			return
		}
		global.lib, global.getProc = lib, gp
		a := getArena()
		defer putArena(a)
		for _, f := range []struct {
			p    *uintptr
			name string
			opt  bool
		}{
			{&global.createInstance, "vkCreateInstance", false},
			{&global.enumerateInstanceVersion, "vkEnumerateInstanceVersion", true},
			{&global.enumerateInstanceLayerProperties, "vkEnumerateInstanceLayerProperties", false},
			{&global.enumerateInstanceExtensionProperties, "vkEnumerateInstanceExtensionProperties", false},
		} {
			*f.p = call(gp, 0, a.cstring(f.name))
			if *f.p == 0 && !f.opt {
				global.err = &LoadError{Err: fmt.Errorf("vulkan: the Vulkan loader has no %s", f.name), Fix: Fix}
				return
			}
		}
	})
	return global.err
}

// procTable is a list of commands to bind: where to store each address, and its name.
type procTable []struct {
	p    *uintptr
	name string
}

// bind looks up every command of t with getProc(handle, name) and fails naming the first that
// is missing.
func bind(getProc, handle uintptr, t procTable) error {
	a := getArena()
	defer putArena(a)
	for _, f := range t {
		*f.p = call(getProc, handle, a.cstring(f.name))
		if *f.p == 0 {
			return fmt.Errorf("vulkan: the driver does not provide %s", f.name)
		}
	}
	return nil
}

// instanceFuncs are the instance-level commands the package uses.
type instanceFuncs struct {
	destroyInstance                        uintptr
	enumeratePhysicalDevices               uintptr
	getPhysicalDeviceProperties2           uintptr
	getPhysicalDeviceFeatures2             uintptr
	getPhysicalDeviceMemoryProperties      uintptr
	getPhysicalDeviceQueueFamilyProperties uintptr
	enumerateDeviceExtensionProperties     uintptr
	createDevice                           uintptr
	getDeviceProcAddr                      uintptr
}

func (f *instanceFuncs) table() procTable {
	return procTable{
		{&f.destroyInstance, "vkDestroyInstance"},
		{&f.enumeratePhysicalDevices, "vkEnumeratePhysicalDevices"},
		{&f.getPhysicalDeviceProperties2, "vkGetPhysicalDeviceProperties2"},
		{&f.getPhysicalDeviceFeatures2, "vkGetPhysicalDeviceFeatures2"},
		{&f.getPhysicalDeviceMemoryProperties, "vkGetPhysicalDeviceMemoryProperties"},
		{&f.getPhysicalDeviceQueueFamilyProperties, "vkGetPhysicalDeviceQueueFamilyProperties"},
		{&f.enumerateDeviceExtensionProperties, "vkEnumerateDeviceExtensionProperties"},
		{&f.createDevice, "vkCreateDevice"},
		{&f.getDeviceProcAddr, "vkGetDeviceProcAddr"},
	}
}

// deviceFuncs are the device-level commands the package uses, bound through
// vkGetDeviceProcAddr so that calls go to the driver without the loader's dispatch.
type deviceFuncs struct {
	destroyDevice               uintptr
	getDeviceQueue              uintptr
	deviceWaitIdle              uintptr
	queueSubmit                 uintptr
	createFence                 uintptr
	destroyFence                uintptr
	resetFences                 uintptr
	waitForFences               uintptr
	getFenceStatus              uintptr
	createCommandPool           uintptr
	destroyCommandPool          uintptr
	resetCommandPool            uintptr
	allocateCommandBuffers      uintptr
	beginCommandBuffer          uintptr
	endCommandBuffer            uintptr
	cmdBindPipeline             uintptr
	cmdPushConstants            uintptr
	cmdDispatchBase             uintptr
	cmdPipelineBarrier          uintptr
	cmdCopyBuffer               uintptr
	cmdResetQueryPool           uintptr
	cmdWriteTimestamp           uintptr
	createQueryPool             uintptr
	destroyQueryPool            uintptr
	getQueryPoolResults         uintptr
	createBuffer                uintptr
	destroyBuffer               uintptr
	getBufferMemoryRequirements uintptr
	allocateMemory              uintptr
	freeMemory                  uintptr
	bindBufferMemory            uintptr
	mapMemory                   uintptr
	getBufferDeviceAddress      uintptr
	createShaderModule          uintptr
	destroyShaderModule         uintptr
	createPipelineLayout        uintptr
	destroyPipelineLayout       uintptr
	createComputePipelines      uintptr
	destroyPipeline             uintptr
	createPipelineCache         uintptr
	destroyPipelineCache        uintptr
	getPipelineCacheData        uintptr
}

func (f *deviceFuncs) table() procTable {
	return procTable{
		{&f.destroyDevice, "vkDestroyDevice"},
		{&f.getDeviceQueue, "vkGetDeviceQueue"},
		{&f.deviceWaitIdle, "vkDeviceWaitIdle"},
		{&f.queueSubmit, "vkQueueSubmit"},
		{&f.createFence, "vkCreateFence"},
		{&f.destroyFence, "vkDestroyFence"},
		{&f.resetFences, "vkResetFences"},
		{&f.waitForFences, "vkWaitForFences"},
		{&f.getFenceStatus, "vkGetFenceStatus"},
		{&f.createCommandPool, "vkCreateCommandPool"},
		{&f.destroyCommandPool, "vkDestroyCommandPool"},
		{&f.resetCommandPool, "vkResetCommandPool"},
		{&f.allocateCommandBuffers, "vkAllocateCommandBuffers"},
		{&f.beginCommandBuffer, "vkBeginCommandBuffer"},
		{&f.endCommandBuffer, "vkEndCommandBuffer"},
		{&f.cmdBindPipeline, "vkCmdBindPipeline"},
		{&f.cmdPushConstants, "vkCmdPushConstants"},
		{&f.cmdDispatchBase, "vkCmdDispatchBase"},
		{&f.cmdPipelineBarrier, "vkCmdPipelineBarrier"},
		{&f.cmdCopyBuffer, "vkCmdCopyBuffer"},
		{&f.cmdResetQueryPool, "vkCmdResetQueryPool"},
		{&f.cmdWriteTimestamp, "vkCmdWriteTimestamp"},
		{&f.createQueryPool, "vkCreateQueryPool"},
		{&f.destroyQueryPool, "vkDestroyQueryPool"},
		{&f.getQueryPoolResults, "vkGetQueryPoolResults"},
		{&f.createBuffer, "vkCreateBuffer"},
		{&f.destroyBuffer, "vkDestroyBuffer"},
		{&f.getBufferMemoryRequirements, "vkGetBufferMemoryRequirements"},
		{&f.allocateMemory, "vkAllocateMemory"},
		{&f.freeMemory, "vkFreeMemory"},
		{&f.bindBufferMemory, "vkBindBufferMemory"},
		{&f.mapMemory, "vkMapMemory"},
		{&f.getBufferDeviceAddress, "vkGetBufferDeviceAddress"},
		{&f.createShaderModule, "vkCreateShaderModule"},
		{&f.destroyShaderModule, "vkDestroyShaderModule"},
		{&f.createPipelineLayout, "vkCreatePipelineLayout"},
		{&f.destroyPipelineLayout, "vkDestroyPipelineLayout"},
		{&f.createComputePipelines, "vkCreateComputePipelines"},
		{&f.destroyPipeline, "vkDestroyPipeline"},
		{&f.createPipelineCache, "vkCreatePipelineCache"},
		{&f.destroyPipelineCache, "vkDestroyPipelineCache"},
		{&f.getPipelineCacheData, "vkGetPipelineCacheData"},
	}
}
