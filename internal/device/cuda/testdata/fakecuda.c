// A stand-in for libcuda.so.1 for the cuda device's tests on machines without an NVIDIA GPU: it
// implements the driver API functions the device binds, with memory from malloc, and records the
// last kernel launch (fake_last_launch) instead of running it. Built by TestFakeDriver with the
// system's C compiler.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;

static char ptx_text[1 << 20];
static int panic_mode;

struct launch {
	unsigned grid[3], block[3], shared;
	uint64_t rec, gs[3];
	unsigned char args[512];
	int count;
};
static struct launch last;

CUresult cuInit(unsigned flags) { panic_mode = getenv("FAKE_CUDA_PANIC") != 0; return flags == 0 ? 0 : 1; }
CUresult cuDriverGetVersion(int *v) { *v = 12020; return 0; }
CUresult cuGetErrorName(CUresult r, const char **s) { *s = r == 218 ? "CUDA_ERROR_INVALID_PTX" : "CUDA_ERROR_UNKNOWN"; return 0; }
CUresult cuGetErrorString(CUresult r, const char **s) { *s = r == 218 ? "a PTX JIT compilation failed" : "unknown error"; return 0; }
CUresult cuDeviceGetCount(int *n) { *n = 1; return 0; }
CUresult cuDeviceGet(CUdevice *d, int i) { if (i != 0) return 101; *d = 0; return 0; }
CUresult cuDeviceGetName(char *name, int n, CUdevice d) { strncpy(name, "Fake GPU", n); return 0; }
CUresult cuDeviceGetAttribute(int *v, int attr, CUdevice d) {
	switch (attr) {
	case 1: *v = 1024; break;                     // max threads per block
	case 2: case 3: *v = 1024; break; case 4: *v = 64; break;
	case 5: *v = 2147483647; break; case 6: case 7: *v = 65535; break;
	case 8: *v = 49152; break; case 10: *v = 32; break; case 16: *v = 46; break;
	case 18: *v = 0; break; case 41: *v = 1; break;
	case 75: *v = 8; break; case 76: *v = 6; break; // sm_86
	case 83: *v = 1; break; case 89: *v = 1; break;
	default: *v = 0;
	}
	return 0;
}
CUresult cuDeviceTotalMem_v2(size_t *b, CUdevice d) { *b = (size_t)8 << 30; return 0; }
CUresult cuDevicePrimaryCtxRetain(void **ctx, CUdevice d) { *ctx = (void *)0x1234; return 0; }
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d) { return 0; }
static void *current;
CUresult cuCtxPushCurrent_v2(void *ctx) { if (ctx != (void *)0x1234) return 201; current = ctx; return 0; }
CUresult cuCtxPopCurrent_v2(void **ctx) { *ctx = current; current = 0; return 0; }
CUresult cuCtxSynchronize(void) { return current ? 0 : 201; }

CUresult cuModuleLoadDataEx(void **m, const void *image, unsigned n, int *opts, void **vals) {
	const char *p = image;
	char *errlog = 0;
	size_t errsize = 0;
	for (unsigned i = 0; i < n; i++) {
		if (opts[i] == 5) errlog = vals[i];
		if (opts[i] == 6) errsize = (size_t)vals[i];
	}
	if (!current) return 201;
	if (!strstr(p, ".entry")) {
		if (errlog && errsize > 0) strncpy(errlog, "ptxas fatal   : no kernel entry in the fake PTX", errsize);
		return 218;
	}
	strncpy(ptx_text, p, sizeof ptx_text - 1);
	*m = (void *)0x5678;
	return 0;
}
CUresult cuModuleGetFunction(void **f, void *m, const char *name) {
	char want[512];
	snprintf(want, sizeof want, ".entry %s(", name);
	if (m != (void *)0x5678 || !strstr(ptx_text, want)) return 500;
	*f = (void *)0x9abc;
	return 0;
}
CUresult cuModuleUnload(void *m) { return m == (void *)0x5678 ? 0 : 400; }
CUresult cuFuncGetAttribute(int *v, int attr, void *f) { *v = attr == 0 ? 1024 : 0; return 0; }
CUresult cuMemAllocManaged(CUdeviceptr *p, size_t n, unsigned flags) {
	void *m = 0;
	if (flags != 1 || posix_memalign(&m, 256, n)) return 2;
	*p = (CUdeviceptr)m;
	return 0;
}
CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t n) { void *m = malloc(n); if (!m) return 2; *p = (CUdeviceptr)m; return 0; }
CUresult cuMemFree_v2(CUdeviceptr p) { free((void *)p); return 0; }
CUresult cuMemsetD8_v2(CUdeviceptr p, unsigned char v, size_t n) { memset((void *)p, v, n); return 0; }
CUresult cuMemsetD8Async(CUdeviceptr p, unsigned char v, size_t n, void *s) { memset((void *)p, v, n); return 0; }
CUresult cuMemcpyHtoD_v2(CUdeviceptr d, const void *s, size_t n) { memcpy((void *)d, s, n); return 0; }
CUresult cuMemcpyDtoH_v2(void *d, CUdeviceptr s, size_t n) { memcpy(d, (void *)s, n); return 0; }
CUresult cuMemcpyDtoHAsync_v2(void *d, CUdeviceptr s, size_t n, void *st) { memcpy(d, (void *)s, n); return 0; }
CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
		unsigned shared, void *stream, void **params, void **extra) {
	if (f != (void *)0x9abc || extra) return 400;
	last.grid[0] = gx; last.grid[1] = gy; last.grid[2] = gz;
	last.block[0] = bx; last.block[1] = by; last.block[2] = bz;
	last.shared = shared;
	memcpy(last.args, params[0], sizeof last.args);
	last.rec = *(uint64_t *)params[1];
	for (int i = 0; i < 3; i++) last.gs[i] = *(uint64_t *)params[2 + i];
	last.count++;
	if (panic_mode) {
		unsigned char *r = (unsigned char *)last.rec;
		uint32_t one = 1, site = 1, item[3] = {7, 0, 0};
		int64_t x = 5, y = 3;
		memcpy(r, &one, 4); memcpy(r + 4, &site, 4); memcpy(r + 8, &x, 8); memcpy(r + 16, &y, 8);
		memcpy(r + 24, item, 12);
	}
	return 0;
}
CUresult cuStreamCreate(void **s, unsigned flags) { *s = malloc(1); return 0; }
CUresult cuStreamDestroy_v2(void *s) { free(s); return 0; }
CUresult cuStreamSynchronize(void *s) { return 0; }
static int polls;
CUresult cuEventCreate(void **e, unsigned flags) { *e = malloc(1); polls = 0; return 0; }
CUresult cuEventRecord(void *e, void *s) { return 0; }
CUresult cuEventQuery(void *e) { return polls++ < 2 ? 600 : 0; } // not ready twice, then done
CUresult cuEventSynchronize(void *e) { return 0; }
CUresult cuEventDestroy_v2(void *e) { free(e); return 0; }

// fake_last_launch copies the last launch's record into out and returns the number of launches.
int fake_last_launch(struct launch *out) { *out = last; return last.count; }

// fake_set_panic makes later launches write a panic record (site 1, operands 5 and 3, item 7).
void fake_set_panic(int on) { panic_mode = on; }
