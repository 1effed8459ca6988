#version 460
// saxpy over a 2D grid, following the Vulkan kernel ABI: y[i] = a*x[i] + y[i] for the
// work-item whose global id is (gx, gy), i = gy*gsize.x + gx. An index outside x or y fails
// check 0 (site 1) with the index and the length.
#extension GL_GOOGLE_include_directive : require
#include "abi.glsl"

layout(buffer_reference, std430, buffer_reference_align = 4) buffer Floats { float v[]; };

layout(push_constant, std430) uniform Push {
	layout(offset = 0) uint64_t panicRecord;
	layout(offset = 8) uint gsize[3];
	layout(offset = 20) uint ngroups[3];
	layout(offset = 32) uint lsize[3];
	layout(offset = 44) uint pad0;
	// The argument struct, Go's layout: struct { A float32; X, Y []float32 }.
	layout(offset = 48) float a;
	layout(offset = 56) uint64_t x;
	layout(offset = 64) int64_t xlen;
	layout(offset = 72) int64_t xcap;
	layout(offset = 80) uint64_t y;
	layout(offset = 88) int64_t ylen;
	layout(offset = 96) int64_t ycap;
} pc;

void main() {
	uvec3 gid = gl_WorkGroupID * uvec3(pc.lsize[0], pc.lsize[1], pc.lsize[2]) + gl_LocalInvocationID;
	if (gid.x >= pc.gsize[0] || gid.y >= pc.gsize[1] || gid.z >= pc.gsize[2]) {
		return; // padding of a partial last group
	}
	int64_t i = int64_t(gid.y) * int64_t(pc.gsize[0]) + int64_t(gid.x);
	if (i >= pc.xlen) {
		fail(pc.panicRecord, 1u, i, pc.xlen, gid);
		return;
	}
	if (i >= pc.ylen) {
		fail(pc.panicRecord, 1u, i, pc.ylen, gid);
		return;
	}
	Floats X = Floats(pc.x);
	Floats Y = Floats(pc.y);
	uint k = uint(i);
	Y.v[k] = pc.a * X.v[k] + Y.v[k];
}
