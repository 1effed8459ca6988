// Package cache is Geobacter's on-disk cache of compiled kernels, shared by every process of the
// user.
//
// The cache is a directory: GEOBACTER_CACHE when it is set (the value "off" disables the cache),
// else geobacter under os.UserCacheDir. It is created with mode 0700. Each entry is one file named
// by its key, the hexadecimal SHA-256 of everything that decides the compiled output, built with
// a Key: the kernel's code, the target, the toolchain, the compiler itself (CompilerID) and the
// options. Two builds with the same key are interchangeable, so the cache is never invalidated,
// only evicted.
//
// An entry is written to a temporary file in the same directory and renamed into place, so a
// reader sees a whole entry or none, and many processes can share the directory without locks.
// It starts with a header holding the payload's size and SHA-256: an entry that is truncated or
// corrupt is deleted and Get reports a miss, so that the caller rebuilds it.
//
// The cache is capped in size (default 1 GiB; GEOBACTER_CACHE_MAX in bytes, 0 for no cap). Get
// sets an entry's modification time to now, and Put, when the directory is over the cap, removes
// the least recently used entries until it is not.
//
// The in-process cache of compiled programs is the devices' own (the cpu device's map per kernel
// type, where a hit costs no hashing): this cache is consulted only when that misses.
package cache
