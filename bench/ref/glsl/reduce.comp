#version 460
// reduce: the sum of a float vector into out (ReduceSum in bench/kernels.go). Each group adds up
// a contiguous chunk of the input (invocation l taking elements l, l+size, ... of it), combines
// its invocations' sums with a tree in shared memory, and invocation 0 adds the group's sum into
// out atomically. The host dispatches whole groups of REDUCE_GROUP invocations.
//
// With NATIVE_FLOAT_ADD defined (the device has shaderBufferFloat32AtomicAdd), the atomic add is
// GL_EXT_shader_atomic_float's; else a compare-and-swap loop on the float's bits.
#extension GL_EXT_buffer_reference : require
#ifdef NATIVE_FLOAT_ADD
#extension GL_EXT_shader_atomic_float : require
#endif

#define REDUCE_GROUP 256

layout(local_size_x_id = 0) in;

layout(buffer_reference, std430, buffer_reference_align = 4) readonly buffer InFloats { float v[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) buffer Sum { float v; };
layout(buffer_reference, std430, buffer_reference_align = 4) buffer SumBits { uint v; };

layout(push_constant, std430) uniform Push {
	InFloats in_;
	Sum out_;
	uint n;
} pc;

shared float partial[REDUCE_GROUP];

void atomicAddFloat(Sum p, float x) {
#ifdef NATIVE_FLOAT_ADD
	atomicAdd(p.v, x);
#else
	SumBits b = SumBits(p);
	uint old = b.v;
	for (;;) {
		uint got = atomicCompSwap(b.v, old, floatBitsToUint(uintBitsToFloat(old) + x));
		if (got == old) {
			break;
		}
		old = got;
	}
#endif
}

void main() {
	uint l = gl_LocalInvocationID.x;
	uint size = gl_WorkGroupSize.x;
	uint groups = gl_NumWorkGroups.x;

	uint chunk = (pc.n + groups - 1) / groups;
	uint start = gl_WorkGroupID.x * chunk;
	uint end = min(start + chunk, pc.n);
	float s = 0.0;
	for (uint i = start + l; i < end; i += size) {
		s += pc.in_.v[i];
	}
	partial[l] = s;
	barrier();

	// Every invocation reaches every barrier, those with nothing to add included.
	for (uint h = size / 2; h > 0; h /= 2) {
		if (l < h) {
			partial[l] += partial[l + h];
		}
		barrier();
	}
	if (l == 0) {
		atomicAddFloat(pc.out_, partial[0]);
	}
}
