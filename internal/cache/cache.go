package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// Environment variables that configure the cache.
const (
	// DirEnv names the cache directory; the value "off" disables the cache.
	DirEnv = "GEOBACTER_CACHE"
	// MaxEnv is the cap on the cache's size in bytes; 0 means no cap.
	MaxEnv = "GEOBACTER_CACHE_MAX"
)

// DefaultMax is the cap on the cache's size when GEOBACTER_CACHE_MAX is not set: 1 GiB.
const DefaultMax = 1 << 30

// ErrOff is the error of Dir and Open when GEOBACTER_CACHE=off disables the cache.
var ErrOff = errors.New("the disk cache is disabled (" + DirEnv + "=off)")

// magic starts every entry file; it names the format's version.
const magic = "gbcache1"

// headerSize is the size of an entry's header: magic, payload size (uint64, little endian) and the
// payload's SHA-256.
const headerSize = len(magic) + 8 + sha256.Size

// tmpPrefix starts the names of the files being written.
const tmpPrefix = ".tmp-"

// Cache is an on-disk cache directory. Its methods are safe for concurrent use, also by several
// processes sharing the directory. A nil *Cache is a disabled cache: Get always misses and Put
// does nothing.
type Cache struct {
	dir string
	max int64
}

// Dir returns the cache directory the environment names, without creating it: GEOBACTER_CACHE, or
// geobacter under the user's cache directory. It returns ErrOff when GEOBACTER_CACHE=off.
func Dir() (string, error) {
	if d := os.Getenv(DirEnv); d != "" {
		if d == "off" {
			return "", ErrOff
		}
		return filepath.Abs(d)
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cache: no cache directory: %w (set %s)", err, DirEnv)
	}
	return filepath.Join(base, "geobacter"), nil
}

// Open opens the cache the environment configures (see Dir and GEOBACTER_CACHE_MAX), creating
// its directory. It returns ErrOff when the cache is disabled.
func Open() (*Cache, error) {
	dir, err := Dir()
	if err != nil {
		return nil, err
	}
	max := int64(DefaultMax)
	if s := os.Getenv(MaxEnv); s != "" {
		max, err = strconv.ParseInt(s, 10, 64)
		if err != nil || max < 0 {
			return nil, fmt.Errorf("cache: %s=%q is not a size in bytes", MaxEnv, s)
		}
	}
	return New(dir, max)
}

// New opens the cache in dir, creating the directory with mode 0700, capped at max bytes (0 for
// no cap).
func New(dir string, max int64) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	return &Cache{dir: dir, max: max}, nil
}

// Dir returns the cache's directory.
func (c *Cache) Dir() string { return c.dir }

// path returns the file of key, or "" when key is not a key (64 lower-case hexadecimal digits).
func (c *Cache) path(key string) string {
	if !isKey(key) {
		return ""
	}
	return filepath.Join(c.dir, key)
}

func isKey(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}

// Get returns the data stored under key, and marks the entry as used now. It reports a miss for a
// key not stored, and for an entry that is corrupt or truncated, which it deletes.
func (c *Cache) Get(key string) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	p := c.path(key)
	if p == "" {
		return nil, false
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, false
	}
	data, ok := decode(b)
	if !ok {
		// Entries are renamed into place whole, so this one was damaged after it was written.
		os.Remove(p)
		return nil, false
	}
	now := time.Now()
	os.Chtimes(p, now, now) // the entry may have been evicted meanwhile: then it does not matter
	return data, true
}

// decode checks an entry file's header and returns its payload.
func decode(b []byte) ([]byte, bool) {
	if len(b) < headerSize || string(b[:len(magic)]) != magic {
		return nil, false
	}
	n := binary.LittleEndian.Uint64(b[len(magic):])
	data := b[headerSize:]
	if uint64(len(data)) != n {
		return nil, false
	}
	sum := sha256.Sum256(data)
	if !bytes.Equal(sum[:], b[len(magic)+8:headerSize]) {
		return nil, false
	}
	return data, true
}

// Put stores data under key, replacing an entry already there, and then evicts the least
// recently used entries while the cache is over its cap.
func (c *Cache) Put(key string, data []byte) error {
	if c == nil {
		return nil
	}
	p := c.path(key)
	if p == "" {
		return fmt.Errorf("cache: %q is not a key", key)
	}
	hdr := make([]byte, headerSize)
	copy(hdr, magic)
	binary.LittleEndian.PutUint64(hdr[len(magic):], uint64(len(data)))
	sum := sha256.Sum256(data)
	copy(hdr[len(magic)+8:], sum[:])

	f, err := os.CreateTemp(c.dir, tmpPrefix+key[:16]+"-*")
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	_, err = f.Write(hdr)
	if err == nil {
		_, err = f.Write(data)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("cache: %w", err)
	}
	if c.max > 0 {
		c.evict()
	}
	return nil
}

// Entry describes one entry of the cache.
type Entry struct {
	Key     string    // the entry's key
	Size    int64     // the size of its file, header included
	ModTime time.Time // when it was last written or read
}

// Entries returns the cache's entries, least recently used first.
func (c *Cache) Entries() ([]Entry, error) {
	des, err := os.ReadDir(c.dir)
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	var es []Entry
	for _, de := range des {
		if !isKey(de.Name()) {
			continue
		}
		fi, err := de.Info()
		if err != nil {
			continue // removed meanwhile
		}
		es = append(es, Entry{Key: de.Name(), Size: fi.Size(), ModTime: fi.ModTime()})
	}
	slices.SortFunc(es, func(a, b Entry) int {
		if c := a.ModTime.Compare(b.ModTime); c != 0 {
			return c
		}
		return bytesCompare(a.Key, b.Key)
	})
	return es, nil
}

func bytesCompare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// evict removes the least recently used entries while the entries' total size is over the cap.
// Another process may be evicting too: an entry already gone is skipped.
func (c *Cache) evict() {
	es, err := c.Entries()
	if err != nil {
		return
	}
	var total int64
	for _, e := range es {
		total += e.Size
	}
	for _, e := range es {
		if total <= c.max {
			break
		}
		err := os.Remove(filepath.Join(c.dir, e.Key))
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			total -= e.Size
		}
	}
}

// Clean removes every entry of the cache, and the temporary files of writes that did not finish
// (those of writes in progress too: such a write then fails, and its entry is not stored). It
// returns the number of entries removed.
func (c *Cache) Clean() (int, error) {
	des, err := os.ReadDir(c.dir)
	if err != nil {
		return 0, fmt.Errorf("cache: %w", err)
	}
	n := 0
	for _, de := range des {
		name := de.Name()
		if !isKey(name) && !(len(name) > len(tmpPrefix) && name[:len(tmpPrefix)] == tmpPrefix) {
			continue
		}
		err := os.Remove(filepath.Join(c.dir, name))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, fmt.Errorf("cache: %w", err)
		}
		if err == nil && isKey(name) {
			n++
		}
	}
	return n, nil
}
