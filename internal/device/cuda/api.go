package cuda

import (
	"fmt"
	"sync"
	"unsafe"
)

// result is a CUresult.
type result int32

const (
	success     result = 0
	errNotReady result = 600
	errNoDevice result = 100
)

// Error is a failed driver call: the function, its CUresult and the driver's name and
// description of it.
type Error struct {
	Func string
	Code int32
	Name string // "CUDA_ERROR_OUT_OF_MEMORY"
	Desc string
}

func (e *Error) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("cuda: %s: CUresult %d", e.Func, e.Code)
	}
	return fmt.Sprintf("cuda: %s: %s (%s)", e.Func, e.Name, e.Desc)
}

// check turns a CUresult into an error.
func check(fn string, r result) error {
	if r == success {
		return nil
	}
	e := &Error{Func: fn, Code: int32(r)}
	if api.cuGetErrorName != nil {
		var name, desc *byte
		if api.cuGetErrorName(r, &name) == success {
			e.Name = cString(name)
		}
		if api.cuGetErrorString(r, &desc) == success {
			e.Desc = cString(desc)
		}
	}
	return e
}

// cString copies a NUL-terminated C string.
func cString(p *byte) string {
	if p == nil {
		return ""
	}
	var n int
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}

// Device attributes (CUdevice_attribute).
const (
	attrMaxThreadsPerBlock      = 1
	attrMaxBlockDimX            = 2
	attrMaxGridDimX             = 5
	attrMaxSharedMemoryPerBlock = 8
	attrWarpSize                = 10
	attrMultiprocessorCount     = 16
	attrIntegrated              = 18
	attrUnifiedAddressing       = 41
	attrComputeCapabilityMajor  = 75
	attrComputeCapabilityMinor  = 76
	attrManagedMemory           = 83
	attrConcurrentManagedAccess = 89
	funcAttrMaxThreadsPerBlock  = 0 // CUfunction_attribute
	memAttachGlobal             = 1 // CU_MEM_ATTACH_GLOBAL
	streamDefault               = 0 // CU_STREAM_DEFAULT: synchronises with the legacy default stream
	eventDisableTiming          = 2 // CU_EVENT_DISABLE_TIMING
	jitInfoLogBuffer            = 3 // CUjit_option
	jitInfoLogBufferSizeBytes   = 4
	jitErrorLogBuffer           = 5
	jitErrorLogBufferSizeBytes  = 6
	jitLogVerbose               = 12
)

// The driver API functions the device uses. Handles (CUcontext, CUmodule, CUfunction, CUstream,
// CUevent) are uintptrs, CUdevice an int32, CUdeviceptr a uint64, size_t a uintptr.
var api struct {
	cuInit                    func(flags uint32) result
	cuDriverGetVersion        func(v *int32) result
	cuGetErrorName            func(r result, s **byte) result
	cuGetErrorString          func(r result, s **byte) result
	cuDeviceGetCount          func(n *int32) result
	cuDeviceGet               func(d *int32, ordinal int32) result
	cuDeviceGetName           func(name *byte, n int32, d int32) result
	cuDeviceGetAttribute      func(v *int32, attr int32, d int32) result
	cuDeviceTotalMem          func(bytes *uintptr, d int32) result
	cuDevicePrimaryCtxRetain  func(ctx *uintptr, d int32) result
	cuDevicePrimaryCtxRelease func(d int32) result
	cuCtxPushCurrent          func(ctx uintptr) result
	cuCtxPopCurrent           func(ctx *uintptr) result
	cuCtxSynchronize          func() result
	cuModuleLoadDataEx        func(m *uintptr, image unsafe.Pointer, n uint32, opts unsafe.Pointer, vals unsafe.Pointer) result
	cuModuleGetFunction       func(f *uintptr, m uintptr, name string) result
	cuModuleUnload            func(m uintptr) result
	cuFuncGetAttribute        func(v *int32, attr int32, f uintptr) result
	cuMemAllocManaged         func(p *uint64, n uintptr, flags uint32) result
	cuMemAlloc                func(p *uint64, n uintptr) result
	cuMemFree                 func(p uint64) result
	cuMemsetD8                func(p uint64, v uint8, n uintptr) result
	cuMemsetD8Async           func(p uint64, v uint8, n uintptr, s uintptr) result
	cuMemcpyHtoD              func(dst uint64, src unsafe.Pointer, n uintptr) result
	cuMemcpyDtoH              func(dst unsafe.Pointer, src uint64, n uintptr) result
	cuMemcpyDtoHAsync         func(dst unsafe.Pointer, src uint64, n uintptr, s uintptr) result
	cuLaunchKernel            func(f uintptr, gx, gy, gz, bx, by, bz, shared uint32, s uintptr, params unsafe.Pointer, extra unsafe.Pointer) result
	cuStreamCreate            func(s *uintptr, flags uint32) result
	cuStreamDestroy           func(s uintptr) result
	cuStreamSynchronize       func(s uintptr) result
	cuEventCreate             func(e *uintptr, flags uint32) result
	cuEventRecord             func(e uintptr, s uintptr) result
	cuEventQuery              func(e uintptr) result
	cuEventSynchronize        func(e uintptr) result
	cuEventDestroy            func(e uintptr) result
}

// symbols binds each function of api to its symbol in libcuda.so.1: the versioned name where
// cuda.h maps the API's name to one (cuMemAlloc is cuMemAlloc_v2 since CUDA 3.2).
func symbols() []struct {
	fn   any
	name string
} {
	return []struct {
		fn   any
		name string
	}{
		{&api.cuInit, "cuInit"},
		{&api.cuDriverGetVersion, "cuDriverGetVersion"},
		{&api.cuGetErrorName, "cuGetErrorName"},
		{&api.cuGetErrorString, "cuGetErrorString"},
		{&api.cuDeviceGetCount, "cuDeviceGetCount"},
		{&api.cuDeviceGet, "cuDeviceGet"},
		{&api.cuDeviceGetName, "cuDeviceGetName"},
		{&api.cuDeviceGetAttribute, "cuDeviceGetAttribute"},
		{&api.cuDeviceTotalMem, "cuDeviceTotalMem_v2"},
		{&api.cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain"},
		{&api.cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2"},
		{&api.cuCtxPushCurrent, "cuCtxPushCurrent_v2"},
		{&api.cuCtxPopCurrent, "cuCtxPopCurrent_v2"},
		{&api.cuCtxSynchronize, "cuCtxSynchronize"},
		{&api.cuModuleLoadDataEx, "cuModuleLoadDataEx"},
		{&api.cuModuleGetFunction, "cuModuleGetFunction"},
		{&api.cuModuleUnload, "cuModuleUnload"},
		{&api.cuFuncGetAttribute, "cuFuncGetAttribute"},
		{&api.cuMemAllocManaged, "cuMemAllocManaged"},
		{&api.cuMemAlloc, "cuMemAlloc_v2"},
		{&api.cuMemFree, "cuMemFree_v2"},
		{&api.cuMemsetD8, "cuMemsetD8_v2"},
		{&api.cuMemsetD8Async, "cuMemsetD8Async"},
		{&api.cuMemcpyHtoD, "cuMemcpyHtoD_v2"},
		{&api.cuMemcpyDtoH, "cuMemcpyDtoH_v2"},
		{&api.cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2"},
		{&api.cuLaunchKernel, "cuLaunchKernel"},
		{&api.cuStreamCreate, "cuStreamCreate"},
		{&api.cuStreamDestroy, "cuStreamDestroy_v2"},
		{&api.cuStreamSynchronize, "cuStreamSynchronize"},
		{&api.cuEventCreate, "cuEventCreate"},
		{&api.cuEventRecord, "cuEventRecord"},
		{&api.cuEventQuery, "cuEventQuery"},
		{&api.cuEventSynchronize, "cuEventSynchronize"},
		{&api.cuEventDestroy, "cuEventDestroy_v2"},
	}
}

// libraryName is the driver library, by its SONAME.
const libraryName = "libcuda.so.1"

var (
	loadOnce sync.Once
	loadErr  error
	// driverVersion is cuDriverGetVersion's: 1000*major + 10*minor.
	driverVersion int
)

// load opens libcuda.so.1, binds the functions and calls cuInit, once per process.
func load() error {
	loadOnce.Do(func() {
		if loadErr = openLibrary(); loadErr != nil {
			return
		}
		if loadErr = check("cuInit", api.cuInit(0)); loadErr != nil {
			return
		}
		var v int32
		if loadErr = check("cuDriverGetVersion", api.cuDriverGetVersion(&v)); loadErr == nil {
			driverVersion = int(v)
		}
	})
	return loadErr
}
