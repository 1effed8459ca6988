// Package errors is a corpus of kernels that break the kernel contract (DESIGN.md §3), one
// violation or a few related ones per kernel type. It is loaded by the frontend's tests, never
// built into a program: it is under testdata, which ./... skips.
//
// Every line where the frontend must report a diagnostic ends in a comment
//
//	// ERROR "regexp" ["regexp" ...]
//
// and every regexp must match the message of a diagnostic at that file and line; every
// diagnostic must be matched by a regexp of its line. The regexps are taken as they are, with no
// escapes: "\(field N\)". A line whose violation may or may not also be reported as a
// consequence of another one repeats the first regexp in an alternative, "A" "A|B": B is allowed
// there, not required. Helpers that kernels call are in helpers.go, so that violations in
// another file than the kernel's are reported there.
package errors
