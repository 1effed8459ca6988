#version 460
// sgemm: C = A×B for row-major float matrices, A of M×K, B of K×N, C of M×N (Sgemm in
// bench/kernels.go). Each 16×16 group computes a 16×16 tile of C, loading one tile of A and one
// of B into shared memory at each step along K. The host dispatches C rounded up to whole tiles,
// dimension x the column; invocations outside C load zeros for the others and store nothing.
#extension GL_EXT_buffer_reference : require

#define TILE 16

layout(local_size_x_id = 0, local_size_y_id = 1) in;

layout(buffer_reference, std430, buffer_reference_align = 4) readonly buffer InFloats { float v[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) writeonly buffer OutFloats { float v[]; };

layout(push_constant, std430) uniform Push {
	InFloats a;
	InFloats b;
	OutFloats c;
	uint m;
	uint n;
	uint k;
} pc;

shared float aTile[TILE][TILE];
shared float bTile[TILE][TILE];

void main() {
	uint tx = gl_LocalInvocationID.x, ty = gl_LocalInvocationID.y;
	uint col = gl_GlobalInvocationID.x, row = gl_GlobalInvocationID.y;

	float sum = 0.0;
	for (uint t = 0; t < pc.k; t += TILE) {
		float a = 0.0, b = 0.0;
		if (row < pc.m && t + tx < pc.k) {
			a = pc.a.v[row * pc.k + t + tx];
		}
		if (t + ty < pc.k && col < pc.n) {
			b = pc.b.v[(t + ty) * pc.n + col];
		}
		aTile[ty][tx] = a;
		bTile[ty][tx] = b;
		barrier();
		for (uint i = 0; i < TILE; i++) {
			sum += aTile[ty][i] * bTile[i][tx];
		}
		barrier();
	}
	if (row < pc.m && col < pc.n) {
		pc.c.v[row * pc.n + col] = sum;
	}
}
