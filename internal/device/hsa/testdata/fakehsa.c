// A stand-in for libhsa-runtime64.so.1 for the amdgpu device's tests on machines without an AMD
// GPU: one CPU agent and one GPU agent (gfx90a) with their memory pools, memory from malloc,
// queues whose doorbell "runs" each dispatch packet at once (recording it, fake_last_dispatch,
// and signalling its completion), signals, and executables that accept any ELF. Built by
// TestFakeRuntime with the system's C compiler.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <stdbool.h>

typedef uint32_t hsa_status_t;
typedef struct { uint64_t handle; } handle_t;
typedef hsa_status_t (*iter_cb)(handle_t h, void *data);

enum { CPU = 1, GPU = 2, POOL_SYS_FINE = 10, POOL_SYS_KERNARG = 11, POOL_VRAM = 12, POOL_LDS = 13, ISA = 20 };

static int inited;
hsa_status_t hsa_init(void) { inited = 1; return 0; }
hsa_status_t hsa_status_string(hsa_status_t s, const char **str) { *str = "HSA_STATUS_ERROR: fake error"; return 0; }
hsa_status_t hsa_iterate_agents(iter_cb cb, void *data) {
	if (!inited) return 0x100b;
	handle_t a = {CPU}, g = {GPU};
	hsa_status_t s = cb(a, data);
	if (s != 0) return s;
	return cb(g, data);
}
hsa_status_t hsa_agent_get_info(handle_t a, uint32_t attr, void *v) {
	switch (attr) {
	case 0: strcpy(v, a.handle == GPU ? "gfx90a" : "Fake CPU"); break;
	case 4: *(uint32_t *)v = a.handle == GPU ? 0 : 1; break;       // profile
	case 6: *(uint32_t *)v = 64; break;                             // wavefront
	case 7: { uint16_t d[3] = {1024, 1024, 1024}; memcpy(v, d, 6); break; }
	case 8: *(uint32_t *)v = 1024; break;
	case 9: { uint32_t d[3] = {0xffffffff, 0xffffffff, 0xffffffff}; memcpy(v, d, 12); break; }
	case 14: *(uint32_t *)v = 131072; break;
	case 17: *(uint32_t *)v = a.handle == GPU ? 1 : 0; break;
	case 0xA002: *(uint32_t *)v = 110; break;
	case 0xA009: strcpy(v, "Fake Instinct"); break;
	default: return 0x1003;
	}
	return 0;
}
hsa_status_t hsa_agent_iterate_isas(handle_t a, iter_cb cb, void *data) {
	handle_t i = {ISA};
	hsa_status_t s = cb(i, data);
	return s == 1 ? 0 : s;
}
static const char isa_name[] = "amdgcn-amd-amdhsa--gfx90a:sramecc+:xnack-";
hsa_status_t hsa_isa_get_info_alt(handle_t isa, uint32_t attr, void *v) {
	if (attr == 0) *(uint32_t *)v = sizeof isa_name - 1;
	else if (attr == 1) memcpy(v, isa_name, sizeof isa_name);
	else return 0x1003;
	return 0;
}
hsa_status_t hsa_amd_agent_iterate_memory_pools(handle_t a, iter_cb cb, void *data) {
	uint64_t cpu[] = {POOL_SYS_FINE, POOL_SYS_KERNARG}, gpu[] = {POOL_VRAM, POOL_LDS};
	uint64_t *p = a.handle == GPU ? gpu : cpu;
	for (int i = 0; i < 2; i++) {
		handle_t h = {p[i]};
		hsa_status_t s = cb(h, data);
		if (s == 1) return 0;
		if (s) return s;
	}
	return 0;
}
hsa_status_t hsa_amd_memory_pool_get_info(handle_t p, uint32_t attr, void *v) {
	switch (attr) {
	case 0: *(uint32_t *)v = p.handle == POOL_LDS ? 3 : 0; break;
	case 1: *(uint32_t *)v = p.handle == POOL_SYS_FINE ? 2 : p.handle == POOL_SYS_KERNARG ? 3 : 4; break;
	case 2: *(size_t *)v = p.handle == POOL_LDS ? 65536 : (size_t)16 << 30; break;
	case 5: *(bool *)v = p.handle != POOL_LDS; break;
	case 15: *(bool *)v = false; break;
	default: return 0x1003;
	}
	return 0;
}
static int live_allocs, allowed;
hsa_status_t hsa_amd_memory_pool_allocate(handle_t p, size_t n, uint32_t flags, void **ptr) {
	if (posix_memalign(ptr, 4096, n)) return 0x1001;
	memset(*ptr, 0xa5, n); // not zeroed, as the runtime does not promise it
	live_allocs++;
	return 0;
}
hsa_status_t hsa_amd_memory_pool_free(void *ptr) { free(ptr); live_allocs--; return 0; }
hsa_status_t hsa_amd_agents_allow_access(uint32_t n, const handle_t *agents, const uint32_t *flags, const void *ptr) {
	if (n != 1 || agents[0].handle != GPU || flags) return 0x1001;
	allowed++;
	return 0;
}
hsa_status_t hsa_amd_memory_fill(void *ptr, uint32_t v, size_t count) {
	uint32_t *p = ptr;
	for (size_t i = 0; i < count; i++) p[i] = v;
	return 0;
}
hsa_status_t hsa_memory_copy(void *dst, const void *src, size_t n) { memcpy(dst, src, n); return 0; }

// Signals: a handle is the address of an int64 value.
hsa_status_t hsa_signal_create(int64_t v, uint32_t n, const handle_t *c, handle_t *s) {
	int64_t *p = malloc(8);
	*p = v;
	s->handle = (uint64_t)p;
	return 0;
}
hsa_status_t hsa_signal_destroy(handle_t s) { free((void *)s.handle); return 0; }

typedef struct {
	uint32_t type, features;
	void *base;
	handle_t doorbell;
	uint32_t size, reserved;
	uint64_t id;
} queue_t;
typedef struct {
	uint16_t header, setup, wg[3], r0;
	uint32_t grid[3], priv, group;
	uint64_t kernel;
	void *kernarg;
	uint64_t r2;
	handle_t done;
} packet_t;

static queue_t *the_queue;
static uint64_t write_index, read_index;
static uint32_t panic_offset; // when not 0: a dispatch writes a panic record at the address the kernarg holds there

struct dispatch {
	packet_t packet;
	unsigned char kernarg[512];
	int count;
};
static struct dispatch last;

void hsa_signal_store_screlease(handle_t s, int64_t v) {
	if (the_queue && s.handle == the_queue->doorbell.handle) {
		// The packet processor: run every packet up to index v.
		for (; read_index <= (uint64_t)v; read_index++) {
			packet_t *p = (packet_t *)the_queue->base + read_index % the_queue->size;
			if ((p->header & 0xff) != 2) return; // not a kernel dispatch: leave it
			last.packet = *p;
			memcpy(last.kernarg, p->kernarg, sizeof last.kernarg);
			last.count++;
			if (panic_offset) {
				unsigned char *r = *(unsigned char **)((unsigned char *)p->kernarg + panic_offset);
				uint32_t one = 1, site = 1, item[3] = {9, 0, 0};
				int64_t x = 5, y = 3;
				memcpy(r, &one, 4); memcpy(r + 4, &site, 4); memcpy(r + 8, &x, 8); memcpy(r + 16, &y, 8);
				memcpy(r + 24, item, 12);
			}
			p->header = 1; // invalid again
			*(int64_t *)p->done.handle -= 1;
		}
		return;
	}
	*(int64_t *)s.handle = v;
}
static int waits;
int64_t hsa_signal_wait_scacquire(handle_t s, uint32_t cond, int64_t cmp, uint64_t timeout, uint32_t state) {
	waits++;
	return *(int64_t *)s.handle;
}
hsa_status_t hsa_queue_create(handle_t a, uint32_t size, uint32_t type, void (*cb)(hsa_status_t, queue_t *, void *),
		void *data, uint32_t priv, uint32_t group, queue_t **q) {
	if (a.handle != GPU || (size & (size - 1))) return 0x1001;
	queue_t *qq = calloc(1, sizeof *qq);
	qq->size = size;
	posix_memalign(&qq->base, 64, (size_t)size * 64);
	for (uint32_t i = 0; i < size; i++) ((packet_t *)qq->base)[i].header = 1;
	int64_t *bell = malloc(8);
	qq->doorbell.handle = (uint64_t)bell;
	the_queue = qq;
	write_index = read_index = 0;
	*q = qq;
	return 0;
}
hsa_status_t hsa_queue_destroy(queue_t *q) { free(q->base); free((void *)q->doorbell.handle); free(q); the_queue = 0; return 0; }
uint64_t hsa_queue_load_read_index_scacquire(const queue_t *q) { return read_index; }
uint64_t hsa_queue_add_write_index_scacq_screl(const queue_t *q, uint64_t n) { uint64_t w = write_index; write_index += n; return w; }

hsa_status_t hsa_code_object_reader_create_from_memory(const void *co, size_t n, handle_t *r) {
	if (n < 4 || memcmp(co, "\x7f" "ELF", 4)) return 0x1001;
	r->handle = 0x77;
	return 0;
}
hsa_status_t hsa_code_object_reader_destroy(handle_t r) { return 0; }
static int executables;
hsa_status_t hsa_executable_create_alt(uint32_t profile, uint32_t rounding, const char *opts, handle_t *e) {
	if (profile != 0) return 0x1001;
	e->handle = 0x88;
	executables++;
	return 0;
}
hsa_status_t hsa_executable_load_agent_code_object(handle_t e, handle_t a, handle_t r, const char *o, handle_t *l) {
	return a.handle == GPU && r.handle == 0x77 ? 0 : 0x1001;
}
hsa_status_t hsa_executable_freeze(handle_t e, const char *o) { return 0; }
hsa_status_t hsa_executable_get_symbol_by_name(handle_t e, const char *name, const handle_t *a, handle_t *sym) {
	size_t n = strlen(name);
	if (n < 4 || strcmp(name + n - 3, ".kd") || a->handle != GPU) return 0x1001;
	sym->handle = 0x99;
	return 0;
}
hsa_status_t hsa_executable_symbol_get_info(handle_t s, uint32_t attr, void *v) {
	switch (attr) {
	case 22: *(uint64_t *)v = 0xabcdef; break;
	case 11: *(uint32_t *)v = 512; break;
	case 13: *(uint32_t *)v = 1024; break;
	case 14: *(uint32_t *)v = 0; break;
	case 15: *(bool *)v = false; break;
	default: return 0x1003;
	}
	return 0;
}
hsa_status_t hsa_executable_destroy(handle_t e) { executables--; return 0; }

int fake_last_dispatch(struct dispatch *out) { *out = last; return last.count; }
void fake_set_panic(uint32_t offset) { panic_offset = offset; }
int fake_live(void) { return live_allocs * 1000 + executables; }
