/* The parts of the reference programs that must agree with the Go side (bench/suite.go): the
 * inputs, made by the same integer hash; the checksums; the timing loop and its output.
 *
 * Output, on stdout, one item per line:
 *   info KEY VALUE...   facts about the environment (OpenCL platform and device)
 *   check S A           a checksum of the result of the warm-up run: S = sum of w_i x_i,
 *                       A = sum of w_i |x_i|, w_i = 1 + i mod 7, added in double in index order
 *   run NS              the time of one timed run, in nanoseconds
 */
#ifndef GEOBACTER_BENCH_COMMON_H
#define GEOBACTER_BENCH_COMMON_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* At least this many timed runs, and more, up to the number asked for, while their total time
 * is below the budget. */
#define MIN_RUNS 3

typedef struct {
	float x, y, z, mass;
} body;

typedef struct {
	float x, y, z;
} vec3;

/* hash32 is lowbias32, by Chris Wellons. */
static inline uint32_t hash32(uint32_t x) {
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

static inline uint32_t rnd(long i, uint32_t seed) { return hash32((uint32_t)i * 0x9e3779b9u + seed); }

/* unitf is a float in [0, 1), a multiple of 2^-24. */
static inline float unitf(long i, uint32_t seed) { return (float)(rnd(i, seed) >> 8) * 0x1p-24f; }

static void *alloc_or_die(size_t bytes) {
	size_t rounded = (bytes + 63) / 64 * 64;
	void *p = aligned_alloc(64, rounded ? rounded : 64);
	if (!p) {
		fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
		exit(1);
	}
	memset(p, 0, rounded ? rounded : 64);
	return p;
}

static void init_saxpy(float *x, float *y, long n) {
	for (long i = 0; i < n; i++) {
		x[i] = unitf(i, 1);
		y[i] = unitf(i, 2);
	}
}

static void init_reduce(float *x, long n) {
	for (long i = 0; i < n; i++)
		x[i] = unitf(i, 3);
}

/* Small integers from -2 to 2: every product and partial sum of the product is exact. */
static void init_sgemm(float *a, float *b, long n) {
	for (long i = 0; i < n * n; i++) {
		a[i] = (float)((int)(rnd(i, 4) % 5) - 2);
		b[i] = (float)((int)(rnd(i, 5) % 5) - 2);
	}
}

static void init_stencil(float *a, float *b, long n) {
	for (long i = 0; i < n * n; i++)
		a[i] = b[i] = unitf(i, 6);
}

#define NBODY_DT 0.1f
#define NBODY_EPS2 1e-4f

static void init_nbody(body *p, vec3 *v, long n) {
	float mass = 1.0f / (float)n;
	for (long i = 0; i < n; i++) {
		p[i].x = 2 * unitf(i, 7) - 1;
		p[i].y = 2 * unitf(i, 8) - 1;
		p[i].z = 2 * unitf(i, 9) - 1;
		p[i].mass = mass;
		v[i].x = v[i].y = v[i].z = 0;
	}
}

/* The view of an n×n image centred on -0.75+0i, 3 units wide. */
static void mandelbrot_view(long n, float *x0, float *y0, float *step) {
	*step = 3.0f / (float)n;
	*x0 = -0.75f - 1.5f;
	*y0 = (float)n / 2 * *step;
}

static void init_histogram(unsigned char *d, long n) {
	for (long i = 0; i < n; i++) {
		uint32_t r = rnd(i, 10);
		d[i] = (unsigned char)(((r & 255) + (r >> 8 & 255) + (r >> 16 & 255) + (r >> 24)) / 4);
	}
}

static void print_check(double s, double a) { printf("check %.17g %.17g\n", s, a); }

static void check_f32(const float *x, long n) {
	double s = 0, a = 0;
	for (long i = 0; i < n; i++) {
		double w = 1 + i % 7;
		s += w * x[i];
		a += w * fabs((double)x[i]);
	}
	print_check(s, a);
}

static void check_u32(const uint32_t *x, long n) {
	double s = 0, a = 0;
	for (long i = 0; i < n; i++) {
		double w = 1 + i % 7;
		s += w * x[i];
		a += w * x[i];
	}
	print_check(s, a);
}

/* check_nbody prints the checksums of the velocities and of the displacements newpos - pos, the
 * components x, y, z of each body in turn. */
static void check_nbody(const body *pos, const body *newpos, const vec3 *vel, long n) {
	check_f32((const float *)vel, 3 * n);
	double s = 0, a = 0;
	for (long i = 0; i < 3 * n; i++) {
		const float *p = &pos[i / 3].x, *q = &newpos[i / 3].x;
		double d = (double)q[i % 3] - (double)p[i % 3];
		double w = 1 + i % 7;
		s += w * d;
		a += w * fabs(d);
	}
	print_check(s, a);
}

static long long now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* timed_runs runs fn(arg) up to runs times, printing each run's time, and stops after MIN_RUNS
 * once the runs took budget nanoseconds in all. */
static void timed_runs(long runs, long long budget, void (*fn)(void *), void *arg) {
	long long total = 0;
	for (long r = 0; r < runs; r++) {
		long long t0 = now_ns();
		fn(arg);
		long long t = now_ns() - t0;
		printf("run %lld\n", t);
		fflush(stdout);
		total += t;
		if (r + 1 >= MIN_RUNS && total >= budget)
			break;
	}
}

#endif
