package llvm

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// CodeObject is what a runtime needs to know of an AMDGPU code object (a shared ELF made by
// ld.lld from llc's object), read back from its metadata note (NT_AMDGPU_METADATA, a msgpack
// map: amdhsa.target, amdhsa.kernels) and its kernel descriptors (the <kernel>.kd symbols).
type CodeObject struct {
	Target  string // "amdgcn-amd-amdhsa--gfx90a"
	Version []int  // amdhsa.version: [1, 2] for code object v5
	Kernels []CodeObjectKernel
}

// CodeObjectKernel is one kernel of a code object.
type CodeObjectKernel struct {
	Name   string // the kernel's symbol: "geobacter_main_Saxpy_Kernel"
	Symbol string // its kernel descriptor's symbol: Name + ".kd"
	// From the metadata.
	KernargSize, KernargAlign int64
	GroupSegmentSize          int64 // .group_segment_fixed_size: static LDS bytes
	PrivateSegmentSize        int64 // .private_segment_fixed_size: scratch bytes per work-item
	MaxFlatWorkGroupSize      int64
	WavefrontSize             int64
	UniformWorkGroupSize      bool
	DynamicStack              bool
	Args                      []CodeObjectArg
	// Descriptor is the kernel descriptor's fields, read from the .kd symbol's 64 bytes.
	Descriptor KernelDescriptor
}

// CodeObjectArg is one kernel argument, explicit or hidden, as the metadata's .args lists it.
type CodeObjectArg struct {
	Name         string
	Offset, Size int64
	ValueKind    string // "by_value", "global_buffer", "hidden_block_count_x", ...
	AddressSpace string // "global", ... for pointers
}

// KernelDescriptor is the start of an AMDGPU kernel descriptor (AMDGPUUsage, "Kernel
// Descriptor"): the sizes the dispatch packet needs.
type KernelDescriptor struct {
	GroupSegmentFixedSize   uint32 // bytes 0..3
	PrivateSegmentFixedSize uint32 // bytes 4..7
	KernargSize             uint32 // bytes 8..11
	KernelCodeEntryOffset   int64  // bytes 16..23: from the descriptor to the code
}

// ntAMDGPUMetadata is the note type of the code object v3+ metadata.
const ntAMDGPUMetadata = 32

// ReadCodeObject reads an AMDGPU code object's metadata and kernel descriptors.
func ReadCodeObject(data []byte) (*CodeObject, error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("amdgpu code object: %w", err)
	}
	defer f.Close()
	if f.Machine != elf.EM_AMDGPU {
		return nil, fmt.Errorf("amdgpu code object: ELF machine %v, want EM_AMDGPU", f.Machine)
	}
	var meta any
	for _, s := range f.Sections {
		if s.Type != elf.SHT_NOTE {
			continue
		}
		b, err := s.Data()
		if err != nil {
			return nil, fmt.Errorf("amdgpu code object: note section %s: %w", s.Name, err)
		}
		for len(b) >= 12 {
			namesz, descsz, typ := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:]), binary.LittleEndian.Uint32(b[8:])
			b = b[12:]
			nlen, dlen := uint64(namesz+3)&^3, uint64(descsz+3)&^3
			if uint64(len(b)) < nlen || uint64(len(b))-nlen < uint64(descsz) {
				return nil, errors.New("amdgpu code object: truncated note")
			}
			name := string(bytes.TrimRight(b[:namesz], "\x00"))
			desc := b[nlen : nlen+uint64(descsz)]
			if name == "AMDGPU" && typ == ntAMDGPUMetadata {
				if meta, err = decodeMsgpack(desc); err != nil {
					return nil, fmt.Errorf("amdgpu code object: metadata: %w", err)
				}
			}
			if uint64(len(b)) < nlen+dlen {
				break
			}
			b = b[nlen+dlen:]
		}
	}
	root, ok := meta.(map[string]any)
	if !ok {
		return nil, errors.New("amdgpu code object: no AMDGPU metadata note")
	}
	co := &CodeObject{}
	co.Target, _ = root["amdhsa.target"].(string)
	if v, ok := root["amdhsa.version"].([]any); ok {
		for _, x := range v {
			n, _ := mpInt(x)
			co.Version = append(co.Version, int(n))
		}
	}
	kernels, _ := root["amdhsa.kernels"].([]any)
	syms, _ := f.DynamicSymbols()
	if st, err := f.Symbols(); err == nil {
		syms = append(syms, st...)
	}
	for _, x := range kernels {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, errors.New("amdgpu code object: a kernel's metadata is not a map")
		}
		k := CodeObjectKernel{}
		k.Name, _ = m[".name"].(string)
		k.Symbol, _ = m[".symbol"].(string)
		k.KernargSize, _ = mpInt(m[".kernarg_segment_size"])
		k.KernargAlign, _ = mpInt(m[".kernarg_segment_align"])
		k.GroupSegmentSize, _ = mpInt(m[".group_segment_fixed_size"])
		k.PrivateSegmentSize, _ = mpInt(m[".private_segment_fixed_size"])
		k.MaxFlatWorkGroupSize, _ = mpInt(m[".max_flat_workgroup_size"])
		k.WavefrontSize, _ = mpInt(m[".wavefront_size"])
		u, _ := mpInt(m[".uniform_work_group_size"])
		k.UniformWorkGroupSize = u == 1
		k.DynamicStack, _ = m[".uses_dynamic_stack"].(bool)
		args, _ := m[".args"].([]any)
		for _, a := range args {
			am, ok := a.(map[string]any)
			if !ok {
				return nil, errors.New("amdgpu code object: an argument's metadata is not a map")
			}
			var arg CodeObjectArg
			arg.Name, _ = am[".name"].(string)
			arg.Offset, _ = mpInt(am[".offset"])
			arg.Size, _ = mpInt(am[".size"])
			arg.ValueKind, _ = am[".value_kind"].(string)
			arg.AddressSpace, _ = am[".address_space"].(string)
			k.Args = append(k.Args, arg)
		}
		d, err := descriptor(f, syms, k.Symbol)
		if err != nil {
			return nil, err
		}
		k.Descriptor = d
		co.Kernels = append(co.Kernels, k)
	}
	return co, nil
}

// descriptor reads the kernel descriptor at symbol name.
func descriptor(f *elf.File, syms []elf.Symbol, name string) (KernelDescriptor, error) {
	for _, s := range syms {
		if s.Name != name || s.Section == elf.SHN_UNDEF || int(s.Section) >= len(f.Sections) {
			continue
		}
		sec := f.Sections[s.Section]
		if s.Value < sec.Addr || s.Value-sec.Addr+64 > sec.Size {
			return KernelDescriptor{}, fmt.Errorf("amdgpu code object: %s is outside its section", name)
		}
		b := make([]byte, 64)
		if _, err := sec.ReadAt(b, int64(s.Value-sec.Addr)); err != nil {
			return KernelDescriptor{}, fmt.Errorf("amdgpu code object: reading %s: %w", name, err)
		}
		return KernelDescriptor{
			GroupSegmentFixedSize:   binary.LittleEndian.Uint32(b),
			PrivateSegmentFixedSize: binary.LittleEndian.Uint32(b[4:]),
			KernargSize:             binary.LittleEndian.Uint32(b[8:]),
			KernelCodeEntryOffset:   int64(binary.LittleEndian.Uint64(b[16:])),
		}, nil
	}
	return KernelDescriptor{}, fmt.Errorf("amdgpu code object: no kernel descriptor symbol %q", name)
}

// mpInt is a msgpack integer as an int64.
func mpInt(x any) (int64, bool) {
	switch x := x.(type) {
	case int64:
		return x, true
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), true
		}
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// decodeMsgpack decodes one msgpack value (the AMDGPU metadata's encoding) into nil, bool,
// int64, uint64, float64, string, []byte, []any or map[string]any (keys that are not strings
// are written with %v). It is a reader of the few dozen bytes of format the metadata uses, so
// that the module needs no msgpack library.
func decodeMsgpack(b []byte) (any, error) {
	d := &mpDecoder{b: b}
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	return v, nil
}

type mpDecoder struct {
	b   []byte
	off int
}

var errMsgpack = errors.New("malformed msgpack")

func (d *mpDecoder) take(n uint64) ([]byte, error) {
	if n > uint64(len(d.b)-d.off) {
		return nil, errMsgpack
	}
	s := d.b[d.off : d.off+int(n)]
	d.off += int(n)
	return s, nil
}

func (d *mpDecoder) uint(n int) (uint64, error) {
	s, err := d.take(uint64(n))
	if err != nil {
		return 0, err
	}
	var x uint64
	for _, c := range s {
		x = x<<8 | uint64(c)
	}
	return x, nil
}

func (d *mpDecoder) value(depth int) (any, error) {
	if depth > 64 {
		return nil, errMsgpack
	}
	t, err := d.uint(1)
	if err != nil {
		return nil, err
	}
	c := byte(t)
	switch {
	case c <= 0x7f:
		return int64(c), nil
	case c >= 0xe0:
		return int64(int8(c)), nil
	case c&0xf0 == 0x80:
		return d.mapOf(uint64(c&0x0f), depth)
	case c&0xf0 == 0x90:
		return d.array(uint64(c&0x0f), depth)
	case c&0xe0 == 0xa0:
		s, err := d.take(uint64(c & 0x1f))
		return string(s), err
	}
	switch c {
	case 0xc0:
		return nil, nil
	case 0xc2:
		return false, nil
	case 0xc3:
		return true, nil
	case 0xc4, 0xc5, 0xc6: // bin 8, 16, 32
		n, err := d.uint(1 << (c - 0xc4))
		if err != nil {
			return nil, err
		}
		s, err := d.take(n)
		return bytes.Clone(s), err
	case 0xca:
		x, err := d.uint(4)
		return float64(math.Float32frombits(uint32(x))), err
	case 0xcb:
		x, err := d.uint(8)
		return math.Float64frombits(x), err
	case 0xcc, 0xcd, 0xce, 0xcf:
		return d.uint(1 << (c - 0xcc))
	case 0xd0, 0xd1, 0xd2, 0xd3:
		n := 1 << (c - 0xd0)
		x, err := d.uint(n)
		shift := 64 - 8*n
		return int64(x<<shift) >> shift, err
	case 0xd9, 0xda, 0xdb: // str 8, 16, 32
		n, err := d.uint(1 << (c - 0xd9))
		if err != nil {
			return nil, err
		}
		s, err := d.take(n)
		return string(s), err
	case 0xdc, 0xdd:
		n, err := d.uint(2 << (c - 0xdc))
		if err != nil {
			return nil, err
		}
		return d.array(n, depth)
	case 0xde, 0xdf:
		n, err := d.uint(2 << (c - 0xde))
		if err != nil {
			return nil, err
		}
		return d.mapOf(n, depth)
	}
	return nil, fmt.Errorf("%w: type byte 0x%02x at %d", errMsgpack, c, d.off-1)
}

func (d *mpDecoder) array(n uint64, depth int) (any, error) {
	if n > uint64(len(d.b)-d.off) { // every element takes at least a byte
		return nil, errMsgpack
	}
	a := make([]any, 0, n)
	for range n {
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
	}
	return a, nil
}

func (d *mpDecoder) mapOf(n uint64, depth int) (any, error) {
	if n > uint64(len(d.b)-d.off)/2 {
		return nil, errMsgpack
	}
	m := make(map[string]any, n)
	for range n {
		k, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		ks, ok := k.(string)
		if !ok {
			ks = fmt.Sprint(k)
		}
		m[ks] = v
	}
	return m, nil
}
