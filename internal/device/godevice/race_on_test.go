//go:build race

package godevice_test

const raceEnabled = true
