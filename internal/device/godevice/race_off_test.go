//go:build !race

package godevice_test

const raceEnabled = false

// raceChild is only run by the race-detector build of TestRaceDetected.
func raceChild(string) int { return 2 }
