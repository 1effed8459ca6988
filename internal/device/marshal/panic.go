package marshal

import (
	"encoding/binary"
	"fmt"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/device"
	"github.com/geobacter-go/geobacter/internal/ir"
)

// Panic decodes a launch's panic record (llvm's GPU ABI, GPUPanicRecordSize bytes read back
// after the launch) into the device's panic: nil when no work-item failed. sites are the
// compiled module's (llvm.Output.Sites).
func Panic(l *device.Launch, sites []ir.Site, rec []byte) error {
	if len(rec) < llvm.GPUPanicRecordSize {
		return fmt.Errorf("geobacter: BUG: a panic record of %d bytes", len(rec))
	}
	if binary.LittleEndian.Uint32(rec[llvm.GPURecordState:]) == 0 {
		return nil
	}
	site := int64(binary.LittleEndian.Uint32(rec[llvm.GPURecordSite:])) - 1
	if site < 0 || site >= int64(len(sites)) {
		return fmt.Errorf("geobacter: BUG: kernel %s failed at panic site %d of %d", l.Name, site, len(sites))
	}
	x := int64(binary.LittleEndian.Uint64(rec[llvm.GPURecordX:]))
	y := int64(binary.LittleEndian.Uint64(rec[llvm.GPURecordY:]))
	var item [3]int
	for d := range 3 {
		item[d] = int(binary.LittleEndian.Uint32(rec[llvm.GPURecordItem+4*d:]))
	}
	s := sites[site]
	return &device.Panic{Kernel: l.Name, Pos: s.Pos.LineString(), Msg: s.Message(x, y), WorkItem: item}
}
