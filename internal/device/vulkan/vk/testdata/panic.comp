#version 460
// A kernel that panics in one chosen work-item, following the Vulkan kernel ABI: the work-item
// whose global id is `at` fails check 6 (site 7) with operands a and b; every other work-item
// adds 1 to out[its linear id].
#extension GL_GOOGLE_include_directive : require
#include "abi.glsl"

layout(buffer_reference, std430, buffer_reference_align = 4) buffer Uints { uint v[]; };

layout(push_constant, std430) uniform Push {
	layout(offset = 0) uint64_t panicRecord;
	layout(offset = 8) uint gsize[3];
	layout(offset = 20) uint ngroups[3];
	layout(offset = 32) uint lsize[3];
	layout(offset = 44) uint pad0;
	// struct { At [3]uint32; A, B int64; Out []uint32 }
	layout(offset = 48) uint at[3];
	layout(offset = 64) int64_t a;
	layout(offset = 72) int64_t b;
	layout(offset = 80) uint64_t out_;
	layout(offset = 88) int64_t outlen;
	layout(offset = 96) int64_t outcap;
} pc;

void main() {
	uvec3 gid = gl_WorkGroupID * uvec3(pc.lsize[0], pc.lsize[1], pc.lsize[2]) + gl_LocalInvocationID;
	if (gid.x >= pc.gsize[0] || gid.y >= pc.gsize[1] || gid.z >= pc.gsize[2]) {
		return;
	}
	if (gid == uvec3(pc.at[0], pc.at[1], pc.at[2])) {
		fail(pc.panicRecord, 7u, pc.a, pc.b, gid);
		return;
	}
	uint i = (gid.z * pc.gsize[1] + gid.y) * pc.gsize[0] + gid.x;
	Uints(pc.out_).v[i] += 1u;
}
