package godevice_test

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	// TestRaceDetected runs this binary again to launch a racy kernel outside of any test.
	if mode := os.Getenv("GEOBACTER_RACE_CHILD"); mode != "" {
		os.Exit(raceChild(mode))
	}
	os.Exit(m.Run())
}
