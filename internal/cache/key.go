package cache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// Key builds a cache key: the SHA-256 of a kind and of named parts, each length-prefixed so that
// no two different sequences of parts give the same bytes.
type Key struct {
	h hash.Hash
}

// NewKey starts a key of the given kind (such as "cpu": the device whose output it names).
func NewKey(kind string) *Key {
	k := &Key{h: sha256.New()}
	k.write([]byte("geobacter cache key"))
	k.write([]byte(kind))
	return k
}

func (k *Key) write(b []byte) {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
	k.h.Write(n[:])
	k.h.Write(b)
}

// Add adds the part name with the value value.
func (k *Key) Add(name, value string) {
	k.write([]byte(name))
	k.write([]byte(value))
}

// AddBytes adds the part name with the value value.
func (k *Key) AddBytes(name string, value []byte) {
	k.write([]byte(name))
	k.write(value)
}

// Sum returns the key: 64 lower-case hexadecimal digits. The Key can take more parts after it.
func (k *Key) Sum() string {
	return hex.EncodeToString(k.h.Sum(nil))
}

// modulePath is Geobacter's module, whose version identifies the compiler.
const modulePath = "github.com/geobacter-go/geobacter"

var compilerID = sync.OnceValue(func() string {
	return computeCompilerID(debug.ReadBuildInfo)
})

// CompilerID identifies the code of this program that compiles kernels, for cache keys: the Go
// version and the version of the module github.com/geobacter-go/geobacter it was built with, or,
// for a development build (version "(devel)" or none), the SHA-256 of the running executable.
// It is computed once per process.
func CompilerID() string { return compilerID() }

func computeCompilerID(read func() (*debug.BuildInfo, bool)) string {
	id := runtime.Version()
	version := ""
	if bi, ok := read(); ok {
		if bi.Main.Path == modulePath {
			version = bi.Main.Version
		}
		for _, d := range bi.Deps {
			if d.Path == modulePath {
				version = d.Version
				if d.Replace != nil {
					version = "" // a replaced module: its code is not named by the version
				}
			}
		}
	}
	if version != "" && version != "(devel)" {
		return id + " " + modulePath + "@" + version
	}
	return id + " exe:" + executableHash()
}

// executableHash returns the hexadecimal SHA-256 of the running executable. When it cannot be
// read, it returns a value unique to the process, so that the process shares no entries with
// others rather than risk taking another build's.
func executableHash() string {
	unique := fmt.Sprintf("unreadable-%d-%d", os.Getpid(), time.Now().UnixNano())
	path, err := os.Executable()
	if err != nil {
		return unique
	}
	f, err := os.Open(path)
	if err != nil {
		return unique
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return unique
	}
	return hex.EncodeToString(h.Sum(nil))
}
