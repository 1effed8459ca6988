/* The host program of the OpenCL references: it runs the kernels of kernels.cl on PoCL's CPU
 * device.
 *
 * Usage: host KERNELS.cl probe
 *        host KERNELS.cl NAME RUNS BUDGET_NS PARAMS...
 *
 * It picks the PoCL platform and its CPU device, builds the program (not timed), creates the
 * buffers from inputs initialised as the Go side does (common.h), runs the benchmark once to warm
 * up, reads the result back and prints its checksums, then runs it RUNS times (fewer when the
 * budget is spent, see timed_runs), each run enqueuing its kernels and waiting with clFinish. */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>

#include "common.h"

/* The work-group sizes and work per work-item of the Go kernels (bench/kernels.go). */
#define REDUCE_GROUP 256
#define REDUCE_PER_ITEM 1024
#define HIST_GROUP 256
#define HIST_PER_ITEM 256

static cl_context ctx;
static cl_command_queue queue;
static cl_program program;
static cl_device_id device;

static void die(const char *what, cl_int err) {
	fprintf(stderr, "%s: OpenCL error %d\n", what, err);
	exit(1);
}

#define CHECK(call)                                                                                \
	do {                                                                                           \
		cl_int err_ = (call);                                                                      \
		if (err_ != CL_SUCCESS)                                                                    \
			die(#call, err_);                                                                      \
	} while (0)

/* setup picks PoCL's platform and a CPU device of it and prints what it picked. */
static void setup(void) {
	cl_platform_id platforms[16];
	cl_uint np = 0;
	cl_int err = clGetPlatformIDs(16, platforms, &np);
	if (err != CL_SUCCESS || np == 0) {
		fprintf(stderr, "no OpenCL platform (clGetPlatformIDs: error %d, %u platforms): install an ICD such as pocl-opencl-icd\n", err, np);
		exit(3);
	}
	char names[1024] = "";
	for (cl_uint i = 0; i < np; i++) {
		char name[256] = "", version[256] = "";
		clGetPlatformInfo(platforms[i], CL_PLATFORM_NAME, sizeof name, name, NULL);
		clGetPlatformInfo(platforms[i], CL_PLATFORM_VERSION, sizeof version, version, NULL);
		if (strlen(names) + strlen(name) + 4 < sizeof names) {
			strcat(names, names[0] ? ", " : "");
			strcat(names, name);
		}
		if (!strstr(name, "Portable Computing Language") && !strstr(name, "PoCL") && !strstr(name, "pocl"))
			continue;
		if (clGetDeviceIDs(platforms[i], CL_DEVICE_TYPE_CPU, 1, &device, NULL) != CL_SUCCESS)
			continue;
		char dname[256] = "";
		clGetDeviceInfo(device, CL_DEVICE_NAME, sizeof dname, dname, NULL);
		cl_uint units = 0;
		clGetDeviceInfo(device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof units, &units, NULL);
		printf("info platform %s\ninfo version %s\ninfo device %s\ninfo units %u\n", name, version, dname, units);
		ctx = clCreateContext(NULL, 1, &device, NULL, NULL, &err);
		if (err != CL_SUCCESS)
			die("clCreateContext", err);
		queue = clCreateCommandQueue(ctx, device, 0, &err);
		if (err != CL_SUCCESS)
			die("clCreateCommandQueue", err);
		return;
	}
	fprintf(stderr, "no PoCL platform with a CPU device among the OpenCL platforms (%s): install pocl-opencl-icd\n", names);
	exit(3);
}

static void build(const char *path) {
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *src = alloc_or_die(len + 1);
	if (fread(src, 1, len, f) != (size_t)len) {
		perror(path);
		exit(1);
	}
	fclose(f);
	src[len] = 0;
	cl_int err;
	const char *srcs[] = {src};
	program = clCreateProgramWithSource(ctx, 1, srcs, NULL, &err);
	if (err != CL_SUCCESS)
		die("clCreateProgramWithSource", err);
	err = clBuildProgram(program, 1, &device, "-cl-std=CL1.2", NULL, NULL);
	if (err != CL_SUCCESS) {
		size_t n = 0;
		clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, NULL, &n);
		char *log = alloc_or_die(n + 1);
		clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, n, log, NULL);
		fprintf(stderr, "building %s: error %d:\n%s\n", path, err, log);
		exit(1);
	}
	free(src);
}

static cl_kernel kernel(const char *name) {
	cl_int err;
	cl_kernel k = clCreateKernel(program, name, &err);
	if (err != CL_SUCCESS)
		die(name, err);
	return k;
}

static cl_mem buffer(void *host, size_t bytes) {
	cl_int err;
	cl_mem m = clCreateBuffer(ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, bytes, host, &err);
	if (err != CL_SUCCESS)
		die("clCreateBuffer", err);
	return m;
}

static void read_buffer(cl_mem m, void *host, size_t bytes) {
	CHECK(clEnqueueReadBuffer(queue, m, CL_TRUE, 0, bytes, host, 0, NULL, NULL));
}

static size_t round_up(size_t n, size_t m) { return (n + m - 1) / m * m; }

/* One benchmark's kernels, buffers and launch geometry. */
typedef struct {
	cl_kernel k;
	cl_uint dims;
	size_t global[2], local[2];
	cl_mem zero;      /* a buffer to zero before each launch, or NULL */
	size_t zero_size; /* its size in bytes */
	long sweeps;      /* stencil: launches per run, swapping arguments 2 and 3 */
	cl_mem in, out;   /* stencil: the two fields */
} run_args;

static void enqueue(run_args *r) {
	CHECK(clEnqueueNDRangeKernel(queue, r->k, r->dims, NULL, r->global, r->local, 0, NULL, NULL));
}

static void run(void *p) {
	run_args *r = p;
	if (r->zero) {
		cl_uint zero = 0;
		CHECK(clEnqueueFillBuffer(queue, r->zero, &zero, sizeof zero, 0, r->zero_size, 0, NULL, NULL));
	}
	if (r->sweeps) {
		cl_mem in = r->in, out = r->out;
		for (long s = 0; s < r->sweeps; s++) {
			CHECK(clSetKernelArg(r->k, 2, sizeof in, &in));
			CHECK(clSetKernelArg(r->k, 3, sizeof out, &out));
			enqueue(r);
			cl_mem t = in;
			in = out;
			out = t;
		}
	} else {
		enqueue(r);
	}
	CHECK(clFinish(queue));
}

#define ARG(k, i, v) CHECK(clSetKernelArg(k, i, sizeof(v), &(v)))

int main(int argc, char **argv) {
	if (argc == 3 && !strcmp(argv[2], "probe")) {
		setup();
		build(argv[1]);
		return 0;
	}
	if (argc < 6) {
		fprintf(stderr, "usage: host KERNELS.cl probe | host KERNELS.cl NAME RUNS BUDGET_NS PARAMS...\n");
		return 2;
	}
	const char *name = argv[2];
	long runs = atol(argv[3]);
	long long budget = atoll(argv[4]);
	long n = atol(argv[5]);
	cl_int ni = (cl_int)n;
	setup();
	build(argv[1]);
	run_args r = {.dims = 1};

	if (!strcmp(name, "saxpy")) {
		float *x = alloc_or_die(n * sizeof(float)), *y = alloc_or_die(n * sizeof(float));
		init_saxpy(x, y, n);
		cl_mem bx = buffer(x, n * sizeof(float)), by = buffer(y, n * sizeof(float));
		cl_float a = 2;
		r.k = kernel("saxpy");
		ARG(r.k, 0, a);
		ARG(r.k, 1, bx);
		ARG(r.k, 2, by);
		ARG(r.k, 3, ni);
		r.local[0] = 256;
		r.global[0] = round_up(n, 256);
		run(&r);
		read_buffer(by, y, n * sizeof(float));
		check_f32(y, n);
	} else if (!strcmp(name, "reduce")) {
		float *x = alloc_or_die(n * sizeof(float)), sum = 0;
		init_reduce(x, n);
		cl_mem bx = buffer(x, n * sizeof(float)), bout = buffer(&sum, sizeof sum);
		r.k = kernel("reduce");
		ARG(r.k, 0, bx);
		ARG(r.k, 1, ni);
		ARG(r.k, 2, bout);
		long groups = (n + REDUCE_GROUP * REDUCE_PER_ITEM - 1) / (REDUCE_GROUP * REDUCE_PER_ITEM);
		r.local[0] = REDUCE_GROUP;
		r.global[0] = (groups > 1 ? groups : 1) * REDUCE_GROUP;
		r.zero = bout;
		r.zero_size = sizeof sum;
		run(&r);
		read_buffer(bout, &sum, sizeof sum);
		print_check(sum, fabs(sum));
	} else if (!strcmp(name, "sgemm")) {
		size_t bytes = n * n * sizeof(float);
		float *a = alloc_or_die(bytes), *b = alloc_or_die(bytes), *c = alloc_or_die(bytes);
		init_sgemm(a, b, n);
		cl_mem ba = buffer(a, bytes), bb = buffer(b, bytes), bc = buffer(c, bytes);
		r.k = kernel("sgemm");
		ARG(r.k, 0, ni);
		ARG(r.k, 1, ba);
		ARG(r.k, 2, bb);
		ARG(r.k, 3, bc);
		r.dims = 2;
		r.local[0] = r.local[1] = 16;
		r.global[0] = r.global[1] = round_up(n, 16);
		run(&r);
		read_buffer(bc, c, bytes);
		check_f32(c, n * n);
	} else if (!strcmp(name, "stencil") && argc > 6) {
		size_t bytes = n * n * sizeof(float);
		float *a = alloc_or_die(bytes), *b = alloc_or_die(bytes);
		init_stencil(a, b, n);
		r.in = buffer(a, bytes);
		r.out = buffer(b, bytes);
		r.sweeps = atol(argv[6]);
		r.k = kernel("jacobi");
		ARG(r.k, 0, ni);
		ARG(r.k, 1, ni);
		r.dims = 2;
		r.local[0] = r.local[1] = 16;
		r.global[0] = r.global[1] = round_up(n - 2, 16);
		run(&r);
		read_buffer(r.sweeps % 2 ? r.out : r.in, a, bytes);
		check_f32(a, n * n);
	} else if (!strcmp(name, "nbody")) {
		body *pos = alloc_or_die(n * sizeof(body)), *newpos = alloc_or_die(n * sizeof(body));
		vec3 *vel = alloc_or_die(n * sizeof(vec3));
		init_nbody(pos, vel, n);
		cl_mem bp = buffer(pos, n * sizeof(body)), bn = buffer(newpos, n * sizeof(body)), bv = buffer(vel, n * sizeof(vec3));
		cl_float dt = NBODY_DT, eps2 = NBODY_EPS2;
		r.k = kernel("nbody");
		ARG(r.k, 0, ni);
		ARG(r.k, 1, bp);
		ARG(r.k, 2, bn);
		ARG(r.k, 3, bv);
		ARG(r.k, 4, dt);
		ARG(r.k, 5, eps2);
		r.local[0] = 128;
		r.global[0] = round_up(n, 128);
		run(&r);
		read_buffer(bn, newpos, n * sizeof(body));
		read_buffer(bv, vel, n * sizeof(vec3));
		check_nbody(pos, newpos, vel, n);
	} else if (!strcmp(name, "mandelbrot") && argc > 6) {
		cl_int maxiter = atoi(argv[6]);
		cl_float x0, y0, step;
		mandelbrot_view(n, &x0, &y0, &step);
		uint32_t *iter = alloc_or_die(n * n * sizeof(uint32_t));
		cl_mem bi = buffer(iter, n * n * sizeof(uint32_t));
		r.k = kernel("mandelbrot");
		ARG(r.k, 0, ni);
		ARG(r.k, 1, maxiter);
		ARG(r.k, 2, x0);
		ARG(r.k, 3, y0);
		ARG(r.k, 4, step);
		ARG(r.k, 5, bi);
		r.dims = 2;
		r.local[0] = r.local[1] = 16;
		r.global[0] = r.global[1] = round_up(n, 16);
		run(&r);
		read_buffer(bi, iter, n * n * sizeof(uint32_t));
		check_u32(iter, n * n);
	} else if (!strcmp(name, "histogram")) {
		unsigned char *data = alloc_or_die(n);
		uint32_t bins[256] = {0};
		init_histogram(data, n);
		cl_mem bd = buffer(data, n), bb = buffer(bins, sizeof bins);
		r.k = kernel("histogram");
		ARG(r.k, 0, bd);
		ARG(r.k, 1, ni);
		ARG(r.k, 2, bb);
		long groups = (n + HIST_GROUP * HIST_PER_ITEM - 1) / (HIST_GROUP * HIST_PER_ITEM);
		r.local[0] = HIST_GROUP;
		r.global[0] = (groups > 1 ? groups : 1) * HIST_GROUP;
		r.zero = bb;
		r.zero_size = sizeof bins;
		run(&r);
		read_buffer(bb, bins, sizeof bins);
		check_u32(bins, 256);
	} else {
		fprintf(stderr, "host: unknown benchmark or missing parameters: %s\n", name);
		return 2;
	}
	fflush(stdout);
	timed_runs(runs, budget, run, &r);
	return 0;
}
