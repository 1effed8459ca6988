package spirv

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/geobacter-go/geobacter/internal/backend/spirv/internal/spvgen/gen"
)

// TestTablesCurrent regenerates tables.go from the SPIR-V grammar files, when they are
// installed, and compares it with the committed file.
func TestTablesCurrent(t *testing.T) {
	if _, err := os.Stat(filepath.Join(gen.DefaultDir, gen.CoreFile)); err != nil {
		t.Skipf("the SPIR-V grammar is not installed (Debian: apt-get install spirv-headers): %v", err)
	}
	want, err := gen.Generate(gen.DefaultDir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("tables.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("tables.go differs from what spvgen generates from %s: run go generate", gen.DefaultDir)
	}
}

// TestTables spot-checks the generated tables against the specification's numbers.
func TestTables(t *testing.T) {
	for _, c := range []struct {
		got, want uint32
	}{
		{uint32(OpLoad), 61}, {uint32(OpLoopMerge), 246}, {uint32(OpSelectionMerge), 247},
		{uint32(CapabilityPhysicalStorageBufferAddresses), 5347}, {uint32(StorageClassPhysicalStorageBuffer), 5349},
		{uint32(DecorationArrayStride), 6}, {uint32(BuiltInLocalInvocationId), 27}, {uint32(GLSLFma), 50},
		{uint32(MemorySemanticsAcquireRelease), 8}, {uint32(MemoryAccessAligned), 2},
	} {
		if c.got != c.want {
			t.Errorf("got %d, want %d", c.got, c.want)
		}
	}
	if opTable[OpLoad].name != "OpLoad" || len(opTable[OpLoad].operands) != 4 {
		t.Errorf("OpLoad: %+v", opTable[OpLoad])
	}
}
