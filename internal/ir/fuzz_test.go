package ir

import (
	"testing"
)

// FuzzParse checks that Parse never panics, and that a module it reads and Verify accepts prints
// to text that parses to a module that prints the same, and encodes to bytes that decode to it.
//
//	go test -fuzz=FuzzParse ./internal/ir/
func FuzzParse(f *testing.F) {
	for _, text := range testModules(f) {
		f.Add(text)
	}
	for _, tc := range parseLenientTests {
		f.Add(tc.text)
	}
	for _, tc := range parseErrorTests {
		f.Add(tc.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		m, err := Parse(text)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("Parse returned %T, want *ParseError", err)
			}
			return
		}
		printed := Print(m) // must not panic, valid or not
		if Verify(m) != nil {
			return
		}
		checkText(t, printed)
		checkReencode(t, m)
	})
}

// checkText checks that text, which Print gave for a valid module, parses to a valid module that
// prints the same.
func checkText(t *testing.T, text string) {
	t.Helper()
	m, err := Parse(text)
	if err != nil {
		t.Fatalf("Parse of printed text: %v\n%s", err, text)
	}
	if err := Verify(m); err != nil {
		t.Fatalf("printed text parses to a module that does not verify: %v\n%s", err, text)
	}
	if again := Print(m); again != text {
		t.Fatalf("printed text prints differently after parsing:\n%s", textDiff(text, again))
	}
}

// FuzzDecode checks that Decode never panics or hangs, and that a module it accepts verifies,
// encodes to bytes that decode to a module that prints the same, and prints to text that parses
// back to it.
//
//	go test -fuzz=FuzzDecode ./internal/ir/
func FuzzDecode(f *testing.F) {
	for _, data := range testEncodings(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data)
		if err != nil {
			return
		}
		checkReencode(t, m)
		checkText(t, Print(m))
	})
}
