#version 460
// A kernel that does nothing, for the dispatch latency benchmark.
#extension GL_GOOGLE_include_directive : require
#include "abi.glsl"

layout(push_constant, std430) uniform Push {
	layout(offset = 0) uint64_t panicRecord;
	layout(offset = 8) uint gsize[3];
	layout(offset = 20) uint ngroups[3];
	layout(offset = 32) uint lsize[3];
	layout(offset = 44) uint pad0;
} pc;

void main() {
}
