package errors

import "github.com/geobacter-go/geobacter/kernel"

const greeting = "hello"

// StringIndex indexes a string with a variable.
type StringIndex struct{ Out []byte }

func (k *StringIndex) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = greeting[i%5] // ERROR "strings are not supported"
}

// StringSlice slices a string.
type StringSlice struct{ Out []int32 }

func (k *StringSlice) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	s := greeting[1:i] // ERROR "strings are not supported"
	_ = s
}

// StringRange ranges over a string.
type StringRange struct{ Out []int32 }

func (k *StringRange) Kernel(it kernel.Item) {
	for _, r := range greeting { // ERROR "strings are not supported"
		k.Out[it.GlobalID(0)] += r
	}
}

// StringConcat concatenates strings.
type StringConcat struct{ Out []int32 }

func (k *StringConcat) Kernel(it kernel.Item) {
	s := greeting
	if it.GlobalID(0) > 2 {
		s = s + "!" // ERROR "strings are not supported"
	}
	_ = s
}

// StringOfRune converts a rune to a string.
type StringOfRune struct{ Out []int32 }

func (k *StringOfRune) Kernel(it kernel.Item) {
	s := string(rune(k.Out[it.GlobalID(0)])) // ERROR "strings are not supported"
	_ = s
}

// BytesOfString converts a string to a byte slice.
type BytesOfString struct{ Out []byte }

func (k *BytesOfString) Kernel(it kernel.Item) {
	copy(k.Out, []byte(greeting)) // ERROR "strings are not supported|conversion from string to \[\]byte is not supported"
}

// StringOfBytes converts a byte slice to a string.
type StringOfBytes struct {
	Buf []byte
	Out []int
}

func (k *StringOfBytes) Kernel(it kernel.Item) {
	s := string(k.Buf) // ERROR "strings are not supported" "conversion from \[\]byte to string is not supported"
	_ = s
}

// StringField has a string argument.
type StringField struct {
	Name string
	Out  []int32
}

func (k *StringField) Kernel(it kernel.Item) { // ERROR "parameter k: field Name: strings are not supported"
	k.Out[it.GlobalID(0)] = 1
}

func strlen(s string) int { return len(s) } // ERROR "parameter s: strings are not supported" "strings are not supported"

// StringArg passes a constant string to a helper.
type StringArg struct{ Out []int }

func (k *StringArg) Kernel(it kernel.Item) {
	k.Out[it.GlobalID(0)] = strlen(greeting) // ERROR "strings are not supported"
}
