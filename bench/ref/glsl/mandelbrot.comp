#version 460
// mandelbrot: the escape time of every pixel of a width×height image (Mandelbrot in
// bench/kernels.go): pixel (px, py) is the point (x0 + (px+½)·step, y0 - (py+½)·step). The host
// dispatches whole 16×16 groups, so the invocations past the image test their bounds.
#extension GL_EXT_buffer_reference : require

layout(local_size_x_id = 0, local_size_y_id = 1) in;

layout(buffer_reference, std430, buffer_reference_align = 4) writeonly buffer Uints { uint v[]; };

layout(push_constant, std430) uniform Push {
	Uints iter;
	uint width;
	uint height;
	int maxIter;
	float x0;
	float y0;
	float step;
} pc;

// escapeTime returns the number of iterations of z = z² + c, from z = 0, after which |z| > 2, or
// maxIter.
int escapeTime(float cx, float cy, int maxIter) {
	float x = 0.0, y = 0.0;
	for (int i = 0; i < maxIter; i++) {
		float x2 = x * x, y2 = y * y;
		if (x2 + y2 > 4.0) {
			return i;
		}
		y = 2.0 * x * y + cy;
		x = x2 - y2 + cx;
	}
	return maxIter;
}

void main() {
	uint px = gl_GlobalInvocationID.x, py = gl_GlobalInvocationID.y;
	if (px < pc.width && py < pc.height) {
		float cx = pc.x0 + (float(px) + 0.5) * pc.step;
		float cy = pc.y0 - (float(py) + 0.5) * pc.step;
		pc.iter.v[py * pc.width + px] = uint(escapeTime(cx, cy, pc.maxIter));
	}
}
