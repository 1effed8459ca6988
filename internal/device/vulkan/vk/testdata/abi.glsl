// The Vulkan kernel ABI of internal/backend/spirv (see its package doc), for the test shaders:
// the push-constant header, the panic record, and the work-item's global id.

#extension GL_EXT_buffer_reference : require
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;

layout(buffer_reference, std430, buffer_reference_align = 8) buffer PanicRecord {
	uint flag;      // offset 0: set to 1 by the first failing work-item
	uint site;      // offset 4: 1 + the index of the failed check
	int64_t a;      // offset 8
	int64_t b;      // offset 16
	uint item[3];   // offset 24: the failed work-item's global id
};

// fail reports a failed check in the panic record: only the work-item whose compare-exchange
// wins writes the other fields.
void fail(uint64_t record, uint site, int64_t a, int64_t b, uvec3 gid) {
	PanicRecord r = PanicRecord(record);
	if (atomicCompSwap(r.flag, 0u, 1u) == 0u) {
		r.site = site;
		r.a = a;
		r.b = b;
		r.item[0] = gid.x;
		r.item[1] = gid.y;
		r.item[2] = gid.z;
	}
}
