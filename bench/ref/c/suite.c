/* The C references of the benchmark suite: the natural OpenMP code for each benchmark, compiled
 * with clang -O3 -march=native -fopenmp.
 *
 * Usage: suite NAME RUNS BUDGET_NS PARAMS...
 *
 * It allocates and initialises the inputs as the Go side does (common.h), runs the benchmark once
 * to warm up (threads started, pages touched), prints the checksums of that run's result, then
 * prints the times of the timed runs. */
#include "common.h"

#include <omp.h>

typedef struct {
	long n, n2;
	float *x, *y;
	float *a, *b, *c;
	float sum;
	body *pos, *newpos;
	vec3 *vel;
	uint32_t *iter, *bins;
	unsigned char *data;
	long maxiter, sweeps;
} args;

static void saxpy(void *p) {
	args *s = p;
	const float a = 2;
	const float *restrict x = s->x;
	float *restrict y = s->y;
	long n = s->n;
#pragma omp parallel for simd
	for (long i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}

static void reduce(void *p) {
	args *s = p;
	const float *restrict x = s->x;
	long n = s->n;
	float sum = 0;
#pragma omp parallel for simd reduction(+ : sum)
	for (long i = 0; i < n; i++)
		sum += x[i];
	s->sum = sum;
}

/* The i-p-j order: the inner loop runs along a row of B and a row of C, which stays in L1. */
static void sgemm(void *p) {
	args *s = p;
	long n = s->n;
	const float *restrict a = s->a, *restrict b = s->b;
	float *restrict c = s->c;
#pragma omp parallel for
	for (long i = 0; i < n; i++) {
		float *restrict ci = c + i * n;
		for (long j = 0; j < n; j++)
			ci[j] = 0;
		for (long k = 0; k < n; k++) {
			float aik = a[i * n + k];
			const float *restrict bk = b + k * n;
#pragma omp simd
			for (long j = 0; j < n; j++)
				ci[j] += aik * bk[j];
		}
	}
}

static void stencil(void *p) {
	args *s = p;
	long n = s->n;
	float *in = s->a, *out = s->b;
	for (long sweep = 0; sweep < s->sweeps; sweep++) {
#pragma omp parallel for
		for (long y = 1; y < n - 1; y++) {
			const float *restrict src = in;
			float *restrict dst = out;
#pragma omp simd
			for (long x = 1; x < n - 1; x++) {
				long i = y * n + x;
				dst[i] = 0.25f * (src[i - 1] + src[i + 1] + src[i - n] + src[i + n]);
			}
		}
		float *t = in;
		in = out;
		out = t;
	}
}

static void nbody(void *p) {
	args *s = p;
	long n = s->n;
	const body *restrict pos = s->pos;
	body *restrict newpos = s->newpos;
	vec3 *restrict vel = s->vel;
#pragma omp parallel for
	for (long i = 0; i < n; i++) {
		body pi = pos[i];
		float ax = 0, ay = 0, az = 0;
#pragma omp simd reduction(+ : ax, ay, az)
		for (long j = 0; j < n; j++) {
			float dx = pos[j].x - pi.x, dy = pos[j].y - pi.y, dz = pos[j].z - pi.z;
			float r2 = dx * dx + dy * dy + dz * dz + NBODY_EPS2;
			float inv = 1.0f / sqrtf(r2);
			float f = pos[j].mass * inv * inv * inv;
			ax += f * dx;
			ay += f * dy;
			az += f * dz;
		}
		vec3 v = vel[i];
		v.x += ax * NBODY_DT;
		v.y += ay * NBODY_DT;
		v.z += az * NBODY_DT;
		vel[i] = v;
		newpos[i] = (body){pi.x + v.x * NBODY_DT, pi.y + v.y * NBODY_DT, pi.z + v.z * NBODY_DT, pi.mass};
	}
}

static int escape_time(float cx, float cy, int maxiter) {
	float x = 0, y = 0;
	for (int i = 0; i < maxiter; i++) {
		float x2 = x * x, y2 = y * y;
		if (x2 + y2 > 4)
			return i;
		y = 2 * x * y + cy;
		x = x2 - y2 + cx;
	}
	return maxiter;
}

/* Rows differ in cost, so threads take chunks of rows as they go. */
static void mandelbrot(void *p) {
	args *s = p;
	long n = s->n;
	int maxiter = (int)s->maxiter;
	float x0, y0, step;
	mandelbrot_view(n, &x0, &y0, &step);
	uint32_t *restrict iter = s->iter;
#pragma omp parallel for schedule(dynamic, 8)
	for (long py = 0; py < n; py++)
		for (long px = 0; px < n; px++) {
			float cx = x0 + ((float)px + 0.5f) * step, cy = y0 - ((float)py + 0.5f) * step;
			iter[py * n + px] = (uint32_t)escape_time(cx, cy, maxiter);
		}
}

static void histogram(void *p) {
	args *s = p;
	long n = s->n;
	const unsigned char *restrict d = s->data;
	uint32_t h[256] = {0};
#pragma omp parallel for reduction(+ : h[:256])
	for (long i = 0; i < n; i++)
		h[d[i]]++;
	memcpy(s->bins, h, sizeof h);
}

int main(int argc, char **argv) {
	if (argc < 5) {
		fprintf(stderr, "usage: suite NAME RUNS BUDGET_NS PARAMS...\n");
		return 2;
	}
	const char *name = argv[1];
	long runs = atol(argv[2]);
	long long budget = atoll(argv[3]);
	long n = atol(argv[4]);
	args s = {.n = n};
	void (*fn)(void *);
	if (!strcmp(name, "saxpy")) {
		s.x = alloc_or_die(n * sizeof(float));
		s.y = alloc_or_die(n * sizeof(float));
		init_saxpy(s.x, s.y, n);
		fn = saxpy;
		fn(&s);
		check_f32(s.y, n);
	} else if (!strcmp(name, "reduce")) {
		s.x = alloc_or_die(n * sizeof(float));
		init_reduce(s.x, n);
		fn = reduce;
		fn(&s);
		print_check(s.sum, fabs(s.sum));
	} else if (!strcmp(name, "sgemm")) {
		s.a = alloc_or_die(n * n * sizeof(float));
		s.b = alloc_or_die(n * n * sizeof(float));
		s.c = alloc_or_die(n * n * sizeof(float));
		init_sgemm(s.a, s.b, n);
		fn = sgemm;
		fn(&s);
		check_f32(s.c, n * n);
	} else if (!strcmp(name, "stencil") && argc > 5) {
		s.sweeps = atol(argv[5]);
		s.a = alloc_or_die(n * n * sizeof(float));
		s.b = alloc_or_die(n * n * sizeof(float));
		init_stencil(s.a, s.b, n);
		fn = stencil;
		fn(&s);
		check_f32(s.sweeps % 2 ? s.b : s.a, n * n);
	} else if (!strcmp(name, "nbody")) {
		s.pos = alloc_or_die(n * sizeof(body));
		s.newpos = alloc_or_die(n * sizeof(body));
		s.vel = alloc_or_die(n * sizeof(vec3));
		init_nbody(s.pos, s.vel, n);
		fn = nbody;
		fn(&s);
		check_nbody(s.pos, s.newpos, s.vel, n);
	} else if (!strcmp(name, "mandelbrot") && argc > 5) {
		s.maxiter = atol(argv[5]);
		s.iter = alloc_or_die(n * n * sizeof(uint32_t));
		fn = mandelbrot;
		fn(&s);
		check_u32(s.iter, n * n);
	} else if (!strcmp(name, "histogram")) {
		s.data = alloc_or_die(n);
		s.bins = alloc_or_die(256 * sizeof(uint32_t));
		init_histogram(s.data, n);
		fn = histogram;
		fn(&s);
		check_u32(s.bins, 256);
	} else {
		fprintf(stderr, "suite: unknown benchmark or missing parameters: %s\n", name);
		return 2;
	}
	printf("info threads %d\n", omp_get_max_threads());
	fflush(stdout);
	timed_runs(runs, budget, fn, &s);
	return 0;
}
