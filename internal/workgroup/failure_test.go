package workgroup_test

import (
	"testing"

	"github.com/geobacter-go/geobacter/internal/workgroup"
)

func TestCapturePosition(t *testing.T) {
	var f *workgroup.Failure
	func() {
		defer func() { f = workgroup.Capture(recover(), "K", [3]int{1, 2, 3}) }()
		var p *int
		*p = 1 // the line Capture must name
	}()
	if f.Pos != "failure_test.go:14" || f.Msg != "runtime error: invalid memory address or nil pointer dereference" ||
		f.Cause == nil || f.Kernel != "K" || f.Item != [3]int{1, 2, 3} {
		t.Fatalf("Capture = %+v", f)
	}
}
