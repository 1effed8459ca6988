package godevice_test

import (
	"testing"

	"github.com/geobacter-go/geobacter/internal/devicetest"
)

// TestConformance runs the kernel corpus on the go device, which must match every reference bit
// for bit.
func TestConformance(t *testing.T) { devicetest.Run(t, "go") }
