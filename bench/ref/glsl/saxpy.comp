#version 460
// saxpy: y = a·x + y, one invocation per element (Saxpy in bench/kernels.go). The host dispatches
// whole groups, in rows of at most maxComputeWorkGroupCount[0] groups numbered row by row, so the
// invocations past the end test their bounds.
#extension GL_EXT_buffer_reference : require

layout(local_size_x_id = 0) in;

layout(buffer_reference, std430, buffer_reference_align = 4) readonly buffer InFloats { float v[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) buffer Floats { float v[]; };

layout(push_constant, std430) uniform Push {
	InFloats x;
	Floats y;
	float a;
	uint n;
} pc;

void main() {
	uint group = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
	uint i = group * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
	if (i < pc.n) {
		pc.y.v[i] = pc.a * pc.x.v[i] + pc.y.v[i];
	}
}
