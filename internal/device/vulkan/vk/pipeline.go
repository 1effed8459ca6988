package vk

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sync/atomic"
)

// ShaderModule is a VkShaderModule.
type ShaderModule struct {
	d      *Device
	handle uint64
}

// NewShaderModule creates a shader module from a SPIR-V binary.
func (d *Device) NewShaderModule(code []uint32) (*ShaderModule, error) {
	if len(code) < 5 || code[0] != 0x07230203 {
		return nil, fmt.Errorf("vulkan: not a SPIR-V module (%d words)", len(code))
	}
	if err := d.enter(); err != nil {
		return nil, err
	}
	defer d.leave()
	a := getArena()
	defer putArena(a)
	info := put(a, vkShaderModuleCreateInfo{
		sType:    stShaderModuleCreateInfo,
		codeSize: uintptr(4 * len(code)),
		pCode:    array(a, code),
	})
	out := newT[uint64](a)
	if err := check("vkCreateShaderModule", Result(call(d.fn.createShaderModule, d.handle, info, 0, addrOf(out)))); err != nil {
		return nil, err
	}
	m := &ShaderModule{d: d, handle: *out}
	d.mu.Lock()
	d.modules[m] = struct{}{}
	d.mu.Unlock()
	d.live.modules.Add(1)
	return m, nil
}

// Destroy destroys the module. Pipelines made from it stay valid.
func (m *ShaderModule) Destroy() {
	d := m.d
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.modules[m]; !ok {
		return
	}
	delete(d.modules, m)
	call(d.fn.destroyShaderModule, d.handle, uintptr(m.handle), 0)
	d.live.modules.Add(-1)
}

// PipelineOptions describe a compute pipeline.
type PipelineOptions struct {
	Entry            string    // the entry point's name; "main" when empty
	PushConstantSize uint32    // bytes of push constants (a multiple of 4, at most maxPushConstantsSize)
	GroupSize        [3]uint32 // specialisation constants 0, 1, 2: the work-group size; each ≥ 1
	// Constants are further specialisation constants by SpecId (3 and up), each the value's
	// bytes as the shader declares it: 4 bytes for a bool, int, uint or float, 8 for a 64-bit
	// type. SpecUint32, SpecFloat32, SpecUint64, SpecFloat64 and SpecBool make them.
	Constants map[uint32][]byte
}

// SpecUint32 returns a 32-bit specialisation constant's bytes (int and uint).
func SpecUint32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// SpecUint64 returns a 64-bit specialisation constant's bytes (int64 and uint64).
func SpecUint64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

// SpecFloat32 returns a float specialisation constant's bytes.
func SpecFloat32(v float32) []byte { return SpecUint32(math.Float32bits(v)) }

// SpecFloat64 returns a double specialisation constant's bytes.
func SpecFloat64(v float64) []byte { return SpecUint64(math.Float64bits(v)) }

// SpecBool returns a bool specialisation constant's bytes (a VkBool32).
func SpecBool(v bool) []byte {
	if v {
		return SpecUint32(1)
	}
	return SpecUint32(0)
}

// Pipeline is a compute VkPipeline, created with VK_PIPELINE_CREATE_DISPATCH_BASE_BIT through
// the device's pipeline cache, with a layout of one push-constant range and no descriptor
// sets.
type Pipeline struct {
	d                *Device
	handle           uint64
	layout           uintptr
	PushConstantSize uint32
	GroupSize        [3]uint32
	destroyed        atomic.Bool
}

// NewPipeline creates a compute pipeline from a module.
func (d *Device) NewPipeline(m *ShaderModule, o PipelineOptions) (*Pipeline, error) {
	if o.Entry == "" {
		o.Entry = "main"
	}
	lim := d.Physical.Limits
	if o.PushConstantSize%4 != 0 || o.PushConstantSize > lim.MaxPushConstantsSize {
		return nil, fmt.Errorf("vulkan: %d bytes of push constants: the size must be a multiple of 4 and at most the device's maxPushConstantsSize %d", o.PushConstantSize, lim.MaxPushConstantsSize)
	}
	n := uint64(1)
	for i, g := range o.GroupSize {
		if g == 0 || g > lim.MaxComputeWorkGroupSize[i] {
			return nil, fmt.Errorf("vulkan: group size %v: dimension %d must be between 1 and maxComputeWorkGroupSize %d", o.GroupSize, i, lim.MaxComputeWorkGroupSize[i])
		}
		n *= uint64(g)
	}
	if n > uint64(lim.MaxComputeWorkGroupInvocations) {
		return nil, fmt.Errorf("vulkan: group size %v: %d work-items exceed maxComputeWorkGroupInvocations %d", o.GroupSize, n, lim.MaxComputeWorkGroupInvocations)
	}
	if err := d.enter(); err != nil {
		return nil, err
	}
	defer d.leave()
	layout, err := d.layout(o.PushConstantSize)
	if err != nil {
		return nil, err
	}

	a := getArena()
	defer putArena(a)
	// Specialisation: the group size, then the further constants by id.
	var entries []vkSpecializationMapEntry
	var data []byte
	for i, g := range o.GroupSize {
		entries = append(entries, vkSpecializationMapEntry{constantID: uint32(i), offset: uint32(len(data)), size: 4})
		data = binary.LittleEndian.AppendUint32(data, g)
	}
	ids := make([]uint32, 0, len(o.Constants))
	for id := range o.Constants {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		v := o.Constants[id]
		if id < 3 {
			return nil, fmt.Errorf("vulkan: specialisation constant %d is the group size; set GroupSize", id)
		}
		if len(v) != 4 && len(v) != 8 {
			return nil, fmt.Errorf("vulkan: specialisation constant %d has %d bytes; 4 or 8 are allowed", id, len(v))
		}
		for len(data)%len(v) != 0 {
			data = append(data, 0)
		}
		entries = append(entries, vkSpecializationMapEntry{constantID: id, offset: uint32(len(data)), size: uintptr(len(v))})
		data = append(data, v...)
	}
	spec := put(a, vkSpecializationInfo{
		mapEntryCount: uint32(len(entries)),
		pMapEntries:   array(a, entries),
		dataSize:      uintptr(len(data)),
		pData:         a.bytes(data),
	})
	info := put(a, vkComputePipelineCreateInfo{
		sType: stComputePipelineCreateInfo,
		flags: pipelineCreateDispatchBase,
		stage: vkPipelineShaderStageCreateInfo{
			sType:               stPipelineShaderStageCreateInfo,
			stage:               shaderStageCompute,
			module:              m.handle,
			pName:               a.cstring(o.Entry),
			pSpecializationInfo: spec,
		},
		layout:            uint64(layout),
		basePipelineIndex: -1,
	})
	out := newT[uint64](a)
	if err := check("vkCreateComputePipelines", Result(call(d.fn.createComputePipelines, d.handle, d.cache, 1, info, 0, addrOf(out)))); err != nil {
		return nil, err
	}
	p := &Pipeline{d: d, handle: *out, layout: layout, PushConstantSize: o.PushConstantSize, GroupSize: o.GroupSize}
	d.mu.Lock()
	d.pipelines[p] = struct{}{}
	d.mu.Unlock()
	d.live.pipelines.Add(1)
	return p, nil
}

// Destroy destroys the pipeline. No launch may still use it.
func (p *Pipeline) Destroy() {
	d := p.d
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.pipelines[p]; !ok {
		return
	}
	delete(d.pipelines, p)
	p.destroyed.Store(true)
	call(d.fn.destroyPipeline, d.handle, uintptr(p.handle), 0)
	d.live.pipelines.Add(-1)
}

// layout returns the device's pipeline layout for a push-constant size, making it on first
// use. Pipelines with the same size share it, so push constants stay valid across their binds.
func (d *Device) layout(size uint32) (uintptr, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return 0, ErrClosed
	}
	if l, ok := d.layouts[size]; ok {
		return l, nil
	}
	a := getArena()
	defer putArena(a)
	info := &vkPipelineLayoutCreateInfo{sType: stPipelineLayoutCreateInfo}
	if size > 0 {
		info.pushConstantRangeCount = 1
		info.pPushConstantRanges = put(a, vkPushConstantRange{stageFlags: shaderStageCompute, size: size})
	}
	out := newT[uint64](a)
	if err := check("vkCreatePipelineLayout", Result(call(d.fn.createPipelineLayout, d.handle, put(a, *info), 0, addrOf(out)))); err != nil {
		return 0, err
	}
	d.layouts[size] = uintptr(*out)
	return uintptr(*out), nil
}
