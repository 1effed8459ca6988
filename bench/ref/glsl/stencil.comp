#version 460
// stencil: one Jacobi sweep of the 5-point stencil over a W×H row-major grid, from in to out
// (Jacobi in bench/kernels.go): each interior point becomes the mean of its four neighbours; the
// boundary is not written. Invocation (x, y) updates point (x+1, y+1); the host dispatches whole
// groups, so the invocations past the interior test their bounds.
#extension GL_EXT_buffer_reference : require

layout(local_size_x_id = 0, local_size_y_id = 1) in;

layout(buffer_reference, std430, buffer_reference_align = 4) readonly buffer InFloats { float v[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) writeonly buffer OutFloats { float v[]; };

layout(push_constant, std430) uniform Push {
	InFloats in_;
	OutFloats out_;
	uint w;
	uint h;
} pc;

void main() {
	uint x = gl_GlobalInvocationID.x + 1, y = gl_GlobalInvocationID.y + 1;
	if (x < pc.w - 1 && y < pc.h - 1) {
		uint i = y * pc.w + x;
		pc.out_.v[i] = 0.25 * (pc.in_.v[i - 1] + pc.in_.v[i + 1] + pc.in_.v[i - pc.w] + pc.in_.v[i + pc.w]);
	}
}
