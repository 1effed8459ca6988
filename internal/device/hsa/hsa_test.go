package hsa

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"strings"
	"testing"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/device"
)

func required(kind string) bool {
	for _, k := range strings.Split(os.Getenv("GEOBACTER_REQUIRE"), ",") {
		if strings.TrimSpace(k) == kind {
			return true
		}
	}
	return false
}

// TestProbe checks that Probe reports the GPU agents, or one unusable entry saying why there are
// none and what to do.
func TestProbe(t *testing.T) {
	infos := driver{}.Probe(context.Background())
	if len(infos) == 0 {
		t.Fatal("Probe returned nothing")
	}
	usable := false
	for _, in := range infos {
		if in.Kind != Kind {
			t.Errorf("kind %q", in.Kind)
		}
		if !in.Usable && (in.Reason == "" || in.Fix == "") {
			t.Errorf("unusable %+v without a reason and a fix", in)
		}
		usable = usable || in.Usable
		t.Logf("%+v", in)
	}
	if err := load(); errors.Is(err, errNoLibrary) && !strings.HasPrefix(infos[0].Reason, libraryName+" not found") &&
		!strings.Contains(infos[0].Reason, "supports linux") {
		t.Errorf("reason %q", infos[0].Reason)
	}
	if !usable && required(Kind) {
		t.Fatalf("no usable amdgpu device and GEOBACTER_REQUIRE names amdgpu: %s", infos[0].Reason)
	}
}

// TestLayouts checks the hand-laid-out structures against the HSA specification's offsets.
func TestLayouts(t *testing.T) {
	var p dispatchPacket
	var q queue
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"sizeof(hsa_kernel_dispatch_packet_t)", unsafe.Sizeof(p), 64},
		{"workgroup_size_x", unsafe.Offsetof(p.workgroupSize), 4},
		{"grid_size_x", unsafe.Offsetof(p.gridSize), 12},
		{"private_segment_size", unsafe.Offsetof(p.privateSegment), 24},
		{"group_segment_size", unsafe.Offsetof(p.groupSegment), 28},
		{"kernel_object", unsafe.Offsetof(p.kernelObject), 32},
		{"kernarg_address", unsafe.Offsetof(p.kernargAddress), 40},
		{"completion_signal", unsafe.Offsetof(p.completionSignal), 56},
		{"sizeof(hsa_queue_t)", unsafe.Sizeof(q), 40},
		{"base_address", unsafe.Offsetof(q.base), 8},
		{"doorbell_signal", unsafe.Offsetof(q.doorbell), 16},
		{"size", unsafe.Offsetof(q.size), 24},
		{"id", unsafe.Offsetof(q.id), 32},
	} {
		if c.got != c.want {
			t.Errorf("%s at %d, want %d", c.name, c.got, c.want)
		}
	}
}

// TestFillHidden checks the hidden arguments a launch writes by kind.
func TestFillHidden(t *testing.T) {
	ka := make([]byte, 128)
	hidden := []llvm.CodeObjectArg{
		{Offset: 64, Size: 4, ValueKind: "hidden_block_count_x"},
		{Offset: 68, Size: 4, ValueKind: "hidden_block_count_y"},
		{Offset: 76, Size: 2, ValueKind: "hidden_group_size_x"},
		{Offset: 80, Size: 2, ValueKind: "hidden_remainder_z"},
		{Offset: 96, Size: 8, ValueKind: "hidden_global_offset_y"},
		{Offset: 104, Size: 2, ValueKind: "hidden_grid_dims"},
		{Offset: 112, Size: 8, ValueKind: "hidden_hostcall_buffer"},
		{Offset: 124, Size: 8, ValueKind: "hidden_block_count_z"}, // out of the segment: ignored
	}
	for i := 64; i < len(ka); i++ {
		ka[i] = 0xff
	}
	fillHidden(ka, hidden, [3]uint32{7, 5, 1}, &device.Launch{Local: [3]int{256, 1, 1}})
	if binary.LittleEndian.Uint32(ka[64:]) != 7 || binary.LittleEndian.Uint32(ka[68:]) != 5 ||
		binary.LittleEndian.Uint16(ka[76:]) != 256 || binary.LittleEndian.Uint16(ka[80:]) != 0 ||
		binary.LittleEndian.Uint64(ka[96:]) != 0 || binary.LittleEndian.Uint16(ka[104:]) != 3 {
		t.Errorf("kernarg % x", ka[64:])
	}
	if binary.LittleEndian.Uint64(ka[112:]) != 0xffffffffffffffff {
		t.Errorf("an unknown hidden argument was written")
	}
}
