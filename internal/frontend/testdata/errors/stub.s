// This file makes the Go compiler accept the declaration of fastSum in nobody.go, which has no
// body; it implements nothing.
