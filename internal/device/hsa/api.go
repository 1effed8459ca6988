package hsa

import (
	"fmt"
	"sync"
	"unsafe"
)

// status is an hsa_status_t.
type status uint32

const (
	statusSuccess   status = 0
	statusInfoBreak status = 1
)

// Error is a failed runtime call: the function, its status and the runtime's description.
type Error struct {
	Func   string
	Status uint32
	Desc   string
}

func (e *Error) Error() string {
	if e.Desc == "" {
		return fmt.Sprintf("hsa: %s: status %#x", e.Func, e.Status)
	}
	return fmt.Sprintf("hsa: %s: %s", e.Func, e.Desc)
}

func check(fn string, s status) error {
	if s == statusSuccess || s == statusInfoBreak {
		return nil
	}
	e := &Error{Func: fn, Status: uint32(s)}
	if api.hsa_status_string != nil {
		var p *byte
		if api.hsa_status_string(s, &p) == statusSuccess {
			e.Desc = cString(p)
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

// Handles: hsa_agent_t, hsa_signal_t, hsa_amd_memory_pool_t, hsa_isa_t, hsa_executable_t,
// hsa_executable_symbol_t, hsa_code_object_reader_t and hsa_loaded_code_object_t are each a
// struct of one uint64, passed and returned as a uint64.
type (
	agent  uint64
	signal uint64
	pool   uint64
)

// Attributes and enumerants (hsa.h, hsa_ext_amd.h).
const (
	agentInfoName             = 0
	agentInfoFeature          = 2 // hsa_agent_feature_t: HSA_AGENT_FEATURE_KERNEL_DISPATCH = 1
	agentInfoWavefrontSize    = 6
	agentInfoWorkgroupMaxDim  = 7  // uint16[3]
	agentInfoWorkgroupMaxSize = 8  // uint32
	agentInfoGridMaxDim       = 9  // uint32[3]
	agentInfoQueueMaxSize     = 14 // uint32
	agentInfoProfile          = 4  // hsa_profile_t
	agentInfoDevice           = 17 // hsa_device_type_t
	amdAgentInfoComputeUnits  = 0xA002
	amdAgentInfoProductName   = 0xA009 // char[64]

	deviceTypeCPU = 0
	deviceTypeGPU = 1

	isaInfoNameLength = 0
	isaInfoName       = 1

	poolInfoSegment         = 0 // hsa_amd_segment_t
	poolInfoGlobalFlags     = 1
	poolInfoSize            = 2
	poolInfoAllocAllowed    = 5 // bool
	poolInfoAllocGranule    = 6
	poolInfoAccessibleByAll = 15 // bool
	segmentGlobal           = 0
	segmentGroup            = 3
	poolFlagKernargInit     = 1
	poolFlagFineGrained     = 2
	poolFlagCoarseGrained   = 4

	queueTypeMulti = 0

	symbolInfoKernelObject      = 22 // uint64
	symbolInfoKernargSize       = 11 // uint32
	symbolInfoKernargAlign      = 12 // uint32
	symbolInfoGroupSegmentSize  = 13 // uint32
	symbolInfoPrivSegmentSize   = 14 // uint32
	symbolInfoDynamicCallstack  = 15 // bool
	profileFull                 = 1
	roundingDefault             = 0
	signalConditionLT           = 2
	waitStateBlocked            = 0
	packetTypeKernelDispatch    = 2
	packetTypeInvalid           = 1
	packetHeaderBarrier         = 8 // bit
	packetHeaderAcquireScope    = 9 // bits 9..10
	packetHeaderReleaseScope    = 11
	fenceScopeSystem            = 2
	dispatchSetupDimensionsBits = 0
)

// queue is hsa_queue_t, as the runtime lays it out on 64-bit hosts.
type queue struct {
	typ      uint32
	features uint32
	base     unsafe.Pointer // the ring of size 64-byte packets
	doorbell signal
	size     uint32
	_        uint32
	id       uint64
}

// dispatchPacket is hsa_kernel_dispatch_packet_t (64 bytes).
type dispatchPacket struct {
	header           uint16
	setup            uint16
	workgroupSize    [3]uint16
	_                uint16
	gridSize         [3]uint32
	privateSegment   uint32
	groupSegment     uint32
	kernelObject     uint64
	kernargAddress   unsafe.Pointer
	_                uint64
	completionSignal signal
}

// The runtime functions the device uses.
var api struct {
	hsa_init                                  func() status
	hsa_status_string                         func(s status, str **byte) status
	hsa_iterate_agents                        func(cb uintptr, data uintptr) status
	hsa_agent_get_info                        func(a agent, attr uint32, value unsafe.Pointer) status
	hsa_agent_iterate_isas                    func(a agent, cb uintptr, data uintptr) status
	hsa_isa_get_info_alt                      func(isa uint64, attr uint32, value unsafe.Pointer) status
	hsa_amd_agent_iterate_memory_pools        func(a agent, cb uintptr, data uintptr) status
	hsa_amd_memory_pool_get_info              func(p pool, attr uint32, value unsafe.Pointer) status
	hsa_amd_memory_pool_allocate              func(p pool, size uintptr, flags uint32, ptr *unsafe.Pointer) status
	hsa_amd_memory_pool_free                  func(ptr unsafe.Pointer) status
	hsa_amd_agents_allow_access               func(n uint32, agents *agent, flags *uint32, ptr unsafe.Pointer) status
	hsa_amd_memory_fill                       func(ptr unsafe.Pointer, value uint32, count uintptr) status
	hsa_memory_copy                           func(dst, src unsafe.Pointer, size uintptr) status
	hsa_queue_create                          func(a agent, size uint32, typ uint32, cb uintptr, data uintptr, private, group uint32, q **queue) status
	hsa_queue_destroy                         func(q *queue) status
	hsa_queue_load_read_index_scacquire       func(q *queue) uint64
	hsa_queue_add_write_index_scacq_screl     func(q *queue, n uint64) uint64
	hsa_signal_create                         func(initial int64, n uint32, consumers *agent, s *signal) status
	hsa_signal_destroy                        func(s signal) status
	hsa_signal_store_screlease                func(s signal, v int64)
	hsa_signal_wait_scacquire                 func(s signal, cond uint32, compare int64, timeout uint64, state uint32) int64
	hsa_code_object_reader_create_from_memory func(p unsafe.Pointer, size uintptr, r *uint64) status
	hsa_code_object_reader_destroy            func(r uint64) status
	hsa_executable_create_alt                 func(profile, rounding uint32, options *byte, e *uint64) status
	hsa_executable_load_agent_code_object     func(e uint64, a agent, r uint64, options *byte, loaded *uint64) status
	hsa_executable_freeze                     func(e uint64, options *byte) status
	hsa_executable_get_symbol_by_name         func(e uint64, name string, a *agent, sym *uint64) status
	hsa_executable_symbol_get_info            func(sym uint64, attr uint32, value unsafe.Pointer) status
	hsa_executable_destroy                    func(e uint64) status
}

// symbols binds each function of api to the first of its names the library exports (the HSA
// 1.2 names, then the 1.0 names older runtimes have).
func symbols() []struct {
	fn    any
	names []string
} {
	type s = struct {
		fn    any
		names []string
	}
	return []s{
		{&api.hsa_init, []string{"hsa_init"}},
		{&api.hsa_status_string, []string{"hsa_status_string"}},
		{&api.hsa_iterate_agents, []string{"hsa_iterate_agents"}},
		{&api.hsa_agent_get_info, []string{"hsa_agent_get_info"}},
		{&api.hsa_agent_iterate_isas, []string{"hsa_agent_iterate_isas"}},
		{&api.hsa_isa_get_info_alt, []string{"hsa_isa_get_info_alt"}},
		{&api.hsa_amd_agent_iterate_memory_pools, []string{"hsa_amd_agent_iterate_memory_pools"}},
		{&api.hsa_amd_memory_pool_get_info, []string{"hsa_amd_memory_pool_get_info"}},
		{&api.hsa_amd_memory_pool_allocate, []string{"hsa_amd_memory_pool_allocate"}},
		{&api.hsa_amd_memory_pool_free, []string{"hsa_amd_memory_pool_free"}},
		{&api.hsa_amd_agents_allow_access, []string{"hsa_amd_agents_allow_access"}},
		{&api.hsa_amd_memory_fill, []string{"hsa_amd_memory_fill"}},
		{&api.hsa_memory_copy, []string{"hsa_memory_copy"}},
		{&api.hsa_queue_create, []string{"hsa_queue_create"}},
		{&api.hsa_queue_destroy, []string{"hsa_queue_destroy"}},
		{&api.hsa_queue_load_read_index_scacquire, []string{"hsa_queue_load_read_index_scacquire", "hsa_queue_load_read_index_acquire"}},
		{&api.hsa_queue_add_write_index_scacq_screl, []string{"hsa_queue_add_write_index_scacq_screl", "hsa_queue_add_write_index_acq_rel"}},
		{&api.hsa_signal_create, []string{"hsa_signal_create"}},
		{&api.hsa_signal_destroy, []string{"hsa_signal_destroy"}},
		{&api.hsa_signal_store_screlease, []string{"hsa_signal_store_screlease", "hsa_signal_store_release"}},
		{&api.hsa_signal_wait_scacquire, []string{"hsa_signal_wait_scacquire", "hsa_signal_wait_acquire"}},
		{&api.hsa_code_object_reader_create_from_memory, []string{"hsa_code_object_reader_create_from_memory"}},
		{&api.hsa_code_object_reader_destroy, []string{"hsa_code_object_reader_destroy"}},
		{&api.hsa_executable_create_alt, []string{"hsa_executable_create_alt"}},
		{&api.hsa_executable_load_agent_code_object, []string{"hsa_executable_load_agent_code_object"}},
		{&api.hsa_executable_freeze, []string{"hsa_executable_freeze"}},
		{&api.hsa_executable_get_symbol_by_name, []string{"hsa_executable_get_symbol_by_name"}},
		{&api.hsa_executable_symbol_get_info, []string{"hsa_executable_symbol_get_info"}},
		{&api.hsa_executable_destroy, []string{"hsa_executable_destroy"}},
	}
}

// libraryName is the HSA runtime, by its SONAME.
const libraryName = "libhsa-runtime64.so.1"

var (
	loadOnce sync.Once
	loadErr  error
)

// load opens the runtime, binds the functions, makes the callbacks and calls hsa_init, once per
// process.
func load() error {
	loadOnce.Do(func() {
		if loadErr = openLibrary(); loadErr != nil {
			return
		}
		loadErr = check("hsa_init", api.hsa_init())
	})
	return loadErr
}
