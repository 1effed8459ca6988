package ir

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// testEncodings returns the encodings of the test modules that verify, by name: as Encode makes
// them, and raw (name+" raw") and compressed (name+" deflate"), so that tests reach both forms.
func testEncodings(t testing.TB) map[string][]byte {
	encs := map[string][]byte{}
	for name, text := range testModules(t) {
		m, err := Parse(text)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if Verify(m) == nil {
			encs[name] = Encode(m)
			encs[name+" raw"] = encodeForm(m, formRaw)
			encs[name+" deflate"] = encodeForm(m, formDeflate)
		}
	}
	return encs
}

func TestEncodeRoundTrip(t *testing.T) {
	for name, text := range testModules(t) {
		m, err := Parse(text)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if Verify(m) != nil {
			continue
		}
		data := Encode(m)
		got, err := Decode(data)
		if err != nil {
			t.Errorf("%s: Decode: %v", name, err)
			continue
		}
		if p := Print(got); p != text {
			t.Errorf("%s: Print(Decode(Encode(m))) differs from Print(m):\n%s", name, textDiff(text, p))
		}
		if again := Encode(got); !bytes.Equal(again, data) {
			t.Errorf("%s: Encode(Decode(data)) differs from data", name)
		}
		for _, form := range []int{formRaw, formDeflate} {
			if got, err := Decode(encodeForm(m, form)); err != nil || Print(got) != text {
				t.Errorf("%s: form %d does not decode to the module: %v", name, form, err)
			}
		}
	}
	// A module the builder made, with preds out of block order, and the decoded one's identities.
	m := loopModule()
	got, err := Decode(Encode(m))
	if err != nil {
		t.Fatal(err)
	}
	if Print(got) != Print(m) {
		t.Errorf("loop module:\n%s", textDiff(Print(m), Print(got)))
	}
	k := got.Funcs[1]
	if k.Params[0].Type.(*Pointer).Elem != got.Types[0] {
		t.Errorf("the kernel's args type is not the declared *Struct")
	}
	if call := k.Blocks[2].Instrs[4]; call.Callee() != got.Funcs[0] {
		t.Errorf("callee is %v, want the decoded lib.DivMod", call.Callee())
	}
	for _, b := range k.Blocks {
		if b.Func != k {
			t.Errorf("block b%d's Func is not its function", b.ID)
		}
	}
}

// TestEncodingSize measures the encoding against the text form, raw and compressed with flate,
// and checks the claim of encode.go's doc comment that it is the smaller.
func TestEncodingSize(t *testing.T) {
	deflate := func(b []byte) int {
		var buf bytes.Buffer
		w, _ := flate.NewWriter(&buf, flate.BestCompression)
		w.Write(b)
		w.Close()
		return buf.Len()
	}
	texts := testModules(t)
	names := make([]string, 0, len(texts))
	for name := range texts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		m, _ := Parse(texts[name])
		text, raw, data := []byte(texts[name]), encodeRaw(m), Encode(m)
		t.Logf("%-22s text %5d  flate(text) %5d  binary %5d  flate(binary) %5d  Encode %5d",
			name, len(text), deflate(text), len(raw), deflate(raw), len(data))
		if len(data) > len(raw)+6 {
			t.Errorf("%s: Encode gives %d bytes, more than the raw form (%d) and the header", name, len(data), len(raw))
		}
		if len(text) > 100 && len(data) >= deflate(text) {
			t.Errorf("%s: the encoding (%d bytes) is not smaller than the compressed text (%d)", name, len(data), deflate(text))
		}
	}
}

// TestDecodeTruncated checks that every proper prefix of an encoding is an error that says what
// was wanted, and never a panic.
func TestDecodeTruncated(t *testing.T) {
	for name, data := range testEncodings(t) {
		for n := range len(data) {
			_, err := Decode(data[:n])
			if err == nil {
				t.Fatalf("%s: Decode of the first %d of %d bytes succeeded", name, n, len(data))
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("%s: Decode of %d bytes: %T %v, want a *DecodeError", name, n, err, err)
			}
		}
	}
}

// TestDecodeCorrupted flips bits of some encodings, one at a time: Decode must not panic, and what
// it accepts must verify and encode again to bytes that decode to the same module.
func TestDecodeCorrupted(t *testing.T) {
	encs := testEncodings(t)
	for _, name := range []string{"saxpy raw", "loop raw", "testdata/control.ir raw", "saxpy"} {
		data := encs[name]
		accepted, tried := 0, 0
		step := max(1, len(data)*8/600) // about 600 flips a module, spread over it
		for i := 0; i < len(data)*8; i += step {
			tried++
			c := bytes.Clone(data)
			c[i/8] ^= 1 << (i % 8)
			m, err := Decode(c)
			if err != nil {
				var de *DecodeError
				if !strings.HasPrefix(err.Error(), "ir: decode: ") || !errors.As(err, &de) && !strings.Contains(err.Error(), "does not verify") {
					t.Errorf("%s bit %d: error %q lacks the prefix", name, i, err)
				}
				continue
			}
			accepted++
			checkReencode(t, m)
		}
		t.Logf("%s: %d of %d one-bit corruptions decode to a valid module", name, accepted, tried)
	}
}

func checkReencode(t *testing.T, m *Module) {
	t.Helper()
	if err := Verify(m); err != nil {
		t.Fatalf("Decode returned a module that does not verify: %v", err)
	}
	m2, err := Decode(Encode(m))
	if err != nil {
		t.Fatalf("re-encoding a decoded module: %v\n%s", err, Print(m))
	}
	if a, b := Print(m), Print(m2); a != b {
		t.Fatalf("re-encoded module prints differently:\n%s", textDiff(a, b))
	}
}

// deflated returns an encoding whose compressed module is raw.
func deflated(raw []byte) []byte {
	var z bytes.Buffer
	w, _ := flate.NewWriter(&z, flate.BestCompression)
	w.Write(raw)
	w.Close()
	return append([]byte("GBIR\x01\x01"), z.Bytes()...)
}

func TestDecodeErrors(t *testing.T) {
	saxpy, raw := Encode(saxpy()), encodeForm(saxpy(), formRaw)
	bomb := deflated(make([]byte, 4<<20))
	header := []byte("GBIR\x01\x00")
	uv := func(b []byte, vs ...uint64) []byte {
		for _, v := range vs {
			b = binary.AppendUvarint(b, v)
		}
		return b
	}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	// A module with no strings, no named types and the types void, i32 (no functions yet).
	types := cat(header, uv(nil, 0, 0, 2), []byte{tagVoid, byte(Int32)})
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, `ir: decode: at byte 0: not an encoded module (it does not start with "GBIR")`},
		{"text", []byte("func @f() {"), `ir: decode: at byte 0: not an encoded module (it does not start with "GBIR")`},
		{"version", []byte("GBIR\x02"), "ir: decode: at byte 4: encoding version 2, this reader reads version 1"},
		{"no form", []byte("GBIR\x01"), "ir: decode: at byte 5: want the form, found the end of the data"},
		{"form", []byte("GBIR\x01\x07"), "ir: decode: at byte 5: invalid form 7 (0 raw, 1 compressed)"},
		{"bad compressed data", []byte("GBIR\x01\x01\xff\xff"), "ir: decode: at byte 6: bad compressed data: flate: corrupt input before offset 1"},
		{"truncated compressed data", saxpy[:len(saxpy)-3], "ir: decode: at byte 6: bad compressed data: unexpected EOF"},
		{"compression bomb", bomb, "ir: decode: at byte 6: the compressed data inflate to more than " + strconv.FormatInt(maxInflated(len(bomb)), 10) + " bytes"},
		{"error in the inflated module", deflated([]byte{1, 5}), "ir: decode: at byte 1 of the inflated module: 5 bytes in string do not fit in the 0 bytes left"},
		{"huge count", cat(header, uv(nil, 1<<40)), "ir: decode: at byte 6: 1099511627776 strings do not fit in the 0 bytes left"},
		{"bad varint", cat(header, bytes.Repeat([]byte{0xff}, 11)), "ir: decode: at byte 6: bad varint for the number of strings"},
		{"trailing bytes", append(bytes.Clone(raw), 0), "ir: decode: at byte " + strconv.Itoa(len(raw)) + ": 1 bytes after the module"},
		{"trailing compressed bytes", append(bytes.Clone(saxpy), 0), "ir: decode: at byte " + strconv.Itoa(len(saxpy)) + ": 1 bytes after the compressed data"},
		{"type tag", cat(header, uv(nil, 0, 0, 1), []byte{99}), "ir: decode: at byte 9: invalid type tag 99"},
		{"type refers forward", cat(header, uv(nil, 0, 0, 1), []byte{tagPointer, byte(Global), 0}), "ir: decode: at byte 11: a type 0 out of range (there are 0)"},
		{"address space", cat(header, uv(nil, 0, 0, 2), []byte{byte(Int8), tagSlice, 9, 0}), "ir: decode: at byte 11: invalid address space 9"},
		{"huge type", func() []byte {
			// Each entry is a struct of two of the one before: 2^20 nodes in 20 entries.
			b := cat(header, uv(nil, 1, 1, 'x', 0, 21), []byte{byte(Int8)})
			for i := range 20 {
				b = append(b, tagStruct)
				b = uv(b, 2, 0, uint64(i)) // field "x" of type i
				b = append(b, 0)
				b = uv(b, 0, uint64(i))
				b = append(b, 0)
			}
			return b
		}(), "ir: decode: at byte 107: type 12 is larger than 4096 nodes"},
		{"struct contains itself", cat(header, uv(nil, 1, 1, 'S', 1, 0, 1), []byte{tagNamed, 0}, uv(nil, 1, 0, 0), []byte{0}),
			"ir: decode: at byte 10: type %S contains itself"},
		{"no functions section", types, "ir: decode: at byte 11: want the number of functions, found the end of the data"},
		{"functions do not fit", cat(types, uv(nil, 1), uv(nil, 0), []byte{0}), "ir: decode: at byte 11: 1 functions do not fit in the 2 bytes left"},
		{"function without blocks", cat(header, uv(nil, 1, 1, 'f', 0, 1), []byte{tagVoid}, uv(nil, 1, 0), []byte{0}, uv(nil, 0, 0, 0, 0, 0, 0)),
			"ir: decode: at byte 18: function @f has no blocks"},
		{"values", cat(header, uv(nil, 1, 1, 'f', 0, 1), []byte{tagVoid}, uv(nil, 1, 0), []byte{0}, uv(nil, 0, 0, 5, 1, 0, 2, 0, 0, 0)),
			"ir: decode: at byte 17: 5 values for 0 params do not fit in the 6 bytes left"},
		{"terminator kind", cat(header, uv(nil, 1, 1, 'f', 0, 1), []byte{tagVoid}, uv(nil, 1, 0), []byte{0}, uv(nil, 0, 0, 0, 1, 0), []byte{7}, uv(nil, 0, 0, 0)),
			"ir: decode: at byte 20: invalid terminator kind 7"},
		{"invalid op", cat(header, uv(nil, 1, 1, 'f', 0, 1), []byte{tagVoid}, uv(nil, 1, 0), []byte{0}, uv(nil, 0, 0, 0, 1, 1), []byte{63, 0, 0}),
			"ir: decode: at byte 20: invalid op 63"},
		{"jump without a successor", cat(header, uv(nil, 1, 1, 'f', 0, 1), []byte{tagVoid}, uv(nil, 1, 0), []byte{0}, uv(nil, 0, 0, 0, 1, 0), []byte{byte(BlockJump)}, uv(nil, 0, 0, 0)),
			"ir: decode: at byte 21: jump with 0 controls and 0 successors"},
		{"operand out of range", cat(header, uv(nil, 1, 1, 'f', 0, 2), []byte{tagVoid, byte(Int32)}, uv(nil, 1, 0), []byte{0}, uv(nil, 0, 0, 0, 1, 0), []byte{byte(BlockReturn)}, uv(nil, 1, 0, 0, 0)),
			"ir: decode: at byte 23: operand refers to value 0 of 0"},
		{"does not verify", cat(header, uv(nil, 1, 1, 'f', 0, 1), []byte{tagVoid}, uv(nil, 1, 0), []byte{0}, uv(nil, 0, 0, 0, 1, 1), []byte{byte(OpAdd), 0}, uv(nil, 0), []byte{byte(BlockReturn)}, uv(nil, 0, 0, 0)),
			"ir: decode: the module does not verify: ir: invalid IR: f b0: add: add takes 2 operand(s), has 0"},
	} {
		_, err := Decode(tc.data)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: Decode = %v\nwant %s", tc.name, err, tc.want)
		}
	}
}
