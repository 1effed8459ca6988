/* The OpenCL C references of the benchmark suite: the same kernels as bench/kernels.go, with the
 * same work-group sizes, shared (local) memory and barriers. OpenCL 1.2 wants the global size to
 * be a multiple of the group size, so the host rounds it up and the kernels test their bounds
 * where the Go kernels rely on padded work-items not running. */

__kernel void saxpy(float a, __global const float *x, __global float *y, int n) {
	int i = get_global_id(0);
	if (i < n)
		y[i] = a * x[i] + y[i];
}

/* OpenCL 1.2 has no float atomic add: a compare-and-swap loop on the bits. */
static void atomic_add_float(volatile __global float *p, float v) {
	union {
		unsigned int u;
		float f;
	} old, new;
	do {
		old.f = *p;
		new.f = old.f + v;
	} while (atomic_cmpxchg((volatile __global unsigned int *)p, old.u, new.u) != old.u);
}

#define REDUCE_GROUP 256

__kernel void reduce(__global const float *in, int n, __global float *out) {
	__local float partial[REDUCE_GROUP];
	int l = get_local_id(0), size = get_local_size(0);
	int groups = get_num_groups(0);
	int chunk = (n + groups - 1) / groups;
	int start = get_group_id(0) * chunk;
	int end = min(start + chunk, n);
	float s = 0;
	for (int i = start + l; i < end; i += size)
		s += in[i];
	partial[l] = s;
	barrier(CLK_LOCAL_MEM_FENCE);
	for (int h = size / 2; h > 0; h /= 2) {
		if (l < h)
			partial[l] += partial[l + h];
		barrier(CLK_LOCAL_MEM_FENCE);
	}
	if (l == 0)
		atomic_add_float(out, partial[0]);
}

#define TILE 16

__kernel void sgemm(int n, __global const float *a, __global const float *b, __global float *c) {
	__local float as[TILE][TILE], bs[TILE][TILE];
	int tx = get_local_id(0), ty = get_local_id(1);
	int col = get_global_id(0), row = get_global_id(1);
	float sum = 0;
	for (int t = 0; t < n; t += TILE) {
		as[ty][tx] = row < n && t + tx < n ? a[row * n + t + tx] : 0;
		bs[ty][tx] = t + ty < n && col < n ? b[(t + ty) * n + col] : 0;
		barrier(CLK_LOCAL_MEM_FENCE);
		for (int i = 0; i < TILE; i++)
			sum += as[ty][i] * bs[i][tx];
		barrier(CLK_LOCAL_MEM_FENCE);
	}
	if (row < n && col < n)
		c[row * n + col] = sum;
}

__kernel void jacobi(int w, int h, __global const float *in, __global float *out) {
	int x = get_global_id(0) + 1, y = get_global_id(1) + 1;
	if (x < w - 1 && y < h - 1) {
		int i = y * w + x;
		out[i] = 0.25f * (in[i - 1] + in[i + 1] + in[i - w] + in[i + w]);
	}
}

/* pos and newpos hold x, y, z, mass per body; vel x, y, z per body (12 bytes, as Go's Vec3). */
__kernel void nbody(int n, __global const float4 *pos, __global float4 *newpos, __global float *vel, float dt, float eps2) {
	int i = get_global_id(0);
	if (i >= n)
		return;
	float4 p = pos[i];
	float ax = 0, ay = 0, az = 0;
	for (int j = 0; j < n; j++) {
		float4 q = pos[j];
		float dx = q.x - p.x, dy = q.y - p.y, dz = q.z - p.z;
		float r2 = dx * dx + dy * dy + dz * dz + eps2;
		float inv = 1.0f / sqrt(r2);
		float s = q.w * inv * inv * inv;
		ax += s * dx;
		ay += s * dy;
		az += s * dz;
	}
	float vx = vel[3 * i] + ax * dt, vy = vel[3 * i + 1] + ay * dt, vz = vel[3 * i + 2] + az * dt;
	vel[3 * i] = vx;
	vel[3 * i + 1] = vy;
	vel[3 * i + 2] = vz;
	newpos[i] = (float4)(p.x + vx * dt, p.y + vy * dt, p.z + vz * dt, p.w);
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

__kernel void mandelbrot(int n, int maxiter, float x0, float y0, float step, __global uint *iter) {
	int px = get_global_id(0), py = get_global_id(1);
	if (px < n && py < n) {
		float cx = x0 + ((float)px + 0.5f) * step, cy = y0 - ((float)py + 0.5f) * step;
		iter[py * n + px] = (uint)escape_time(cx, cy, maxiter);
	}
}

#define BINS 256

__kernel void histogram(__global const uchar *data, int n, __global uint *bins) {
	__local uint local_bins[BINS];
	int l = get_local_id(0), size = get_local_size(0);
	for (int b = l; b < BINS; b += size)
		local_bins[b] = 0;
	barrier(CLK_LOCAL_MEM_FENCE);
	int groups = get_num_groups(0);
	int chunk = (n + groups - 1) / groups;
	int start = get_group_id(0) * chunk;
	int end = min(start + chunk, n);
	for (int i = start + l; i < end; i += size)
		atomic_inc(&local_bins[data[i]]);
	barrier(CLK_LOCAL_MEM_FENCE);
	for (int b = l; b < BINS; b += size) {
		uint c = local_bins[b];
		if (c != 0)
			atomic_add(&bins[b], c);
	}
}
