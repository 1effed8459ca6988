package cpu_test

import (
	"fmt"
	"os"
	"testing"
)

// TestMain keeps the tests' compiled kernels out of the user's cache: each test binary gets a
// cache directory of its own unless GEOBACTER_CACHE names one.
func TestMain(m *testing.M) {
	if os.Getenv("GEOBACTER_CACHE") == "" {
		dir, err := os.MkdirTemp("", "geobacter-cache-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Setenv("GEOBACTER_CACHE", dir)
		code := m.Run()
		os.RemoveAll(dir)
		os.Exit(code)
	}
	os.Exit(m.Run())
}
