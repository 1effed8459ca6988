#version 460
// histogram: adds the counts of the bytes of data to bins (Histogram in bench/kernels.go). Each
// group counts a contiguous chunk of data into its own histogram in shared memory with atomic
// adds, then adds its non-zero bins to bins atomically. Shared memory starts undefined, so the
// group clears its histogram first. The host dispatches whole groups.
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_shader_8bit_storage : require

#define BINS 256

layout(local_size_x_id = 0) in;

layout(buffer_reference, std430, buffer_reference_align = 4) readonly buffer Bytes { uint8_t v[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) buffer Bins { uint v[]; };

layout(push_constant, std430) uniform Push {
	Bytes data;
	Bins bins;
	uint n;
} pc;

shared uint localBins[BINS];

void main() {
	uint l = gl_LocalInvocationID.x;
	uint size = gl_WorkGroupSize.x;
	for (uint b = l; b < BINS; b += size) {
		localBins[b] = 0;
	}
	barrier();

	uint groups = gl_NumWorkGroups.x;
	uint chunk = (pc.n + groups - 1) / groups;
	uint start = gl_WorkGroupID.x * chunk;
	uint end = min(start + chunk, pc.n);
	for (uint i = start + l; i < end; i += size) {
		atomicAdd(localBins[uint(pc.data.v[i])], 1u);
	}
	barrier();
	for (uint b = l; b < BINS; b += size) {
		uint c = localBins[b];
		if (c != 0) {
			atomicAdd(pc.bins.v[b], c);
		}
	}
}
