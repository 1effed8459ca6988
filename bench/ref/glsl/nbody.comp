#version 460
// nbody: one time step of the all-pairs simulation (NBody in bench/kernels.go): invocation i sums
// the softened gravitational acceleration of body i from every body, updates its velocity and
// writes its moved position (semi-implicit Euler). The square root is the float one, as the
// SPIR-V of the Go kernel has it. The host dispatches whole groups, in rows of at most
// maxComputeWorkGroupCount[0] groups numbered row by row, so the invocations past the last body
// test their bounds.
#extension GL_EXT_buffer_reference : require

layout(local_size_x_id = 0) in;

// Body and Vec3 have Go's layout: 16 and 12 bytes (std430 does not pad a structure of floats).
struct Body {
	float x, y, z, mass;
};

struct Vec3 {
	float x, y, z;
};

layout(buffer_reference, std430, buffer_reference_align = 16) readonly buffer InBodies { Body b[]; };
layout(buffer_reference, std430, buffer_reference_align = 16) writeonly buffer OutBodies { Body b[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) buffer Vels { Vec3 v[]; };

layout(push_constant, std430) uniform Push {
	InBodies pos;
	OutBodies newPos;
	Vels vel;
	uint n;
	float dt;
	float eps2;
} pc;

void main() {
	uint group = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
	uint i = group * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
	if (i >= pc.n) {
		return;
	}
	Body p = pc.pos.b[i];
	float ax = 0.0, ay = 0.0, az = 0.0;
	for (uint j = 0; j < pc.n; j++) {
		Body q = pc.pos.b[j];
		float dx = q.x - p.x, dy = q.y - p.y, dz = q.z - p.z;
		float r2 = dx * dx + dy * dy + dz * dz + pc.eps2;
		float inv = 1.0 / sqrt(r2);
		float s = q.mass * inv * inv * inv;
		ax += s * dx;
		ay += s * dy;
		az += s * dz;
	}
	Vec3 v = pc.vel.v[i];
	v.x += ax * pc.dt;
	v.y += ay * pc.dt;
	v.z += az * pc.dt;
	pc.vel.v[i] = v;
	pc.newPos.b[i] = Body(p.x + v.x * pc.dt, p.y + v.y * pc.dt, p.z + v.z * pc.dt, p.mass);
}
