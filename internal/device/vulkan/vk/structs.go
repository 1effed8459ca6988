package vk

// The C structures of the Vulkan API that the package passes, as Go types with the same layout
// on linux/amd64 and linux/arm64 (LP64: pointers and size_t are 8 bytes, VkBool32 and enums 4,
// non-dispatchable handles 8). Pointer members are uintptr: they only ever hold addresses of
// arena memory. TestLayout checks each size and the offsets that matter against the values C
// gives for vulkan_core.h 1.3.239.

// VkStructureType values.
const (
	stApplicationInfo                  = 0
	stInstanceCreateInfo               = 1
	stDeviceQueueCreateInfo            = 2
	stDeviceCreateInfo                 = 3
	stSubmitInfo                       = 4
	stMemoryAllocateInfo               = 5
	stFenceCreateInfo                  = 8
	stQueryPoolCreateInfo              = 11
	stBufferCreateInfo                 = 12
	stShaderModuleCreateInfo           = 16
	stPipelineCacheCreateInfo          = 17
	stPipelineShaderStageCreateInfo    = 18
	stComputePipelineCreateInfo        = 29
	stPipelineLayoutCreateInfo         = 30
	stCommandPoolCreateInfo            = 39
	stCommandBufferAllocateInfo        = 40
	stCommandBufferBeginInfo           = 42
	stMemoryBarrier                    = 46
	stPhysicalDeviceVulkan11Features   = 49
	stPhysicalDeviceVulkan11Properties = 50
	stPhysicalDeviceVulkan12Features   = 51
	stPhysicalDeviceVulkan12Properties = 52
	stPhysicalDeviceVulkan13Features   = 53
	stPhysicalDeviceVulkan13Properties = 54
	stPhysicalDeviceFeatures2          = 1000059000
	stPhysicalDeviceProperties2        = 1000059001
	stMemoryAllocateFlagsInfo          = 1000060000
	stPhysicalDeviceSubgroupProperties = 1000094000
	stBufferDeviceAddressInfo          = 1000244001
	stPhysicalDeviceAtomicFloat        = 1000260000 // VK_EXT_shader_atomic_float
	stPhysicalDeviceAtomicFloat2       = 1000273000 // VK_EXT_shader_atomic_float2
)

// Flags and enumerants.
const (
	instanceCreateEnumeratePortability = 0x1

	queueGraphics = 0x1
	queueCompute  = 0x2
	queueTransfer = 0x4

	memoryDeviceLocal  = 0x1
	memoryHostVisible  = 0x2
	memoryHostCoherent = 0x4
	memoryHostCached   = 0x8

	heapDeviceLocal = 0x1

	bufferUsageTransferSrc     = 0x1
	bufferUsageTransferDst     = 0x2
	bufferUsageStorageBuffer   = 0x20
	bufferUsageDeviceAddress   = 0x20000
	memoryAllocateDeviceAddr   = 0x2
	sharingModeExclusive       = 0
	shaderStageCompute         = 0x20
	pipelineBindPointCompute   = 1
	pipelineCreateDispatchBase = 0x10

	commandPoolTransient       = 0x1
	commandBufferLevelPrimary  = 0
	commandBufferOneTimeSubmit = 0x1

	stageTopOfPipe     = 0x1
	stageComputeShader = 0x800
	stageTransfer      = 0x1000
	stageBottomOfPipe  = 0x2000
	stageHost          = 0x4000

	accessShaderRead    = 0x20
	accessShaderWrite   = 0x40
	accessTransferRead  = 0x800
	accessTransferWrite = 0x1000
	accessHostRead      = 0x2000
	accessHostWrite     = 0x4000

	queryTypeTimestamp = 2
	queryResult64      = 0x1
	queryResultWait    = 0x2

	vkTrue    = 1
	wholeSize = ^uint64(0)
	noTimeout = ^uint64(0)
)

type vkApplicationInfo struct {
	sType              uint32
	pNext              uintptr
	pApplicationName   uintptr
	applicationVersion uint32
	pEngineName        uintptr
	engineVersion      uint32
	apiVersion         uint32
}

type vkInstanceCreateInfo struct {
	sType                   uint32
	pNext                   uintptr
	flags                   uint32
	pApplicationInfo        uintptr
	enabledLayerCount       uint32
	ppEnabledLayerNames     uintptr
	enabledExtensionCount   uint32
	ppEnabledExtensionNames uintptr
}

type vkLayerProperties struct {
	layerName             [256]byte
	specVersion           uint32
	implementationVersion uint32
	description           [256]byte
}

type vkExtensionProperties struct {
	extensionName [256]byte
	specVersion   uint32
}

type vkPhysicalDeviceLimits struct {
	maxImageDimension1D                             uint32
	maxImageDimension2D                             uint32
	maxImageDimension3D                             uint32
	maxImageDimensionCube                           uint32
	maxImageArrayLayers                             uint32
	maxTexelBufferElements                          uint32
	maxUniformBufferRange                           uint32
	maxStorageBufferRange                           uint32
	maxPushConstantsSize                            uint32
	maxMemoryAllocationCount                        uint32
	maxSamplerAllocationCount                       uint32
	bufferImageGranularity                          uint64
	sparseAddressSpaceSize                          uint64
	maxBoundDescriptorSets                          uint32
	maxPerStageDescriptorSamplers                   uint32
	maxPerStageDescriptorUniformBuffers             uint32
	maxPerStageDescriptorStorageBuffers             uint32
	maxPerStageDescriptorSampledImages              uint32
	maxPerStageDescriptorStorageImages              uint32
	maxPerStageDescriptorInputAttachments           uint32
	maxPerStageResources                            uint32
	maxDescriptorSetSamplers                        uint32
	maxDescriptorSetUniformBuffers                  uint32
	maxDescriptorSetUniformBuffersDynamic           uint32
	maxDescriptorSetStorageBuffers                  uint32
	maxDescriptorSetStorageBuffersDynamic           uint32
	maxDescriptorSetSampledImages                   uint32
	maxDescriptorSetStorageImages                   uint32
	maxDescriptorSetInputAttachments                uint32
	maxVertexInputAttributes                        uint32
	maxVertexInputBindings                          uint32
	maxVertexInputAttributeOffset                   uint32
	maxVertexInputBindingStride                     uint32
	maxVertexOutputComponents                       uint32
	maxTessellationGenerationLevel                  uint32
	maxTessellationPatchSize                        uint32
	maxTessellationControlPerVertexInputComponents  uint32
	maxTessellationControlPerVertexOutputComponents uint32
	maxTessellationControlPerPatchOutputComponents  uint32
	maxTessellationControlTotalOutputComponents     uint32
	maxTessellationEvaluationInputComponents        uint32
	maxTessellationEvaluationOutputComponents       uint32
	maxGeometryShaderInvocations                    uint32
	maxGeometryInputComponents                      uint32
	maxGeometryOutputComponents                     uint32
	maxGeometryOutputVertices                       uint32
	maxGeometryTotalOutputComponents                uint32
	maxFragmentInputComponents                      uint32
	maxFragmentOutputAttachments                    uint32
	maxFragmentDualSrcAttachments                   uint32
	maxFragmentCombinedOutputResources              uint32
	maxComputeSharedMemorySize                      uint32
	maxComputeWorkGroupCount                        [3]uint32
	maxComputeWorkGroupInvocations                  uint32
	maxComputeWorkGroupSize                         [3]uint32
	subPixelPrecisionBits                           uint32
	subTexelPrecisionBits                           uint32
	mipmapPrecisionBits                             uint32
	maxDrawIndexedIndexValue                        uint32
	maxDrawIndirectCount                            uint32
	maxSamplerLodBias                               float32
	maxSamplerAnisotropy                            float32
	maxViewports                                    uint32
	maxViewportDimensions                           [2]uint32
	viewportBoundsRange                             [2]float32
	viewportSubPixelBits                            uint32
	minMemoryMapAlignment                           uint64
	minTexelBufferOffsetAlignment                   uint64
	minUniformBufferOffsetAlignment                 uint64
	minStorageBufferOffsetAlignment                 uint64
	minTexelOffset                                  int32
	maxTexelOffset                                  uint32
	minTexelGatherOffset                            int32
	maxTexelGatherOffset                            uint32
	minInterpolationOffset                          float32
	maxInterpolationOffset                          float32
	subPixelInterpolationOffsetBits                 uint32
	maxFramebufferWidth                             uint32
	maxFramebufferHeight                            uint32
	maxFramebufferLayers                            uint32
	framebufferColorSampleCounts                    uint32
	framebufferDepthSampleCounts                    uint32
	framebufferStencilSampleCounts                  uint32
	framebufferNoAttachmentsSampleCounts            uint32
	maxColorAttachments                             uint32
	sampledImageColorSampleCounts                   uint32
	sampledImageIntegerSampleCounts                 uint32
	sampledImageDepthSampleCounts                   uint32
	sampledImageStencilSampleCounts                 uint32
	storageImageSampleCounts                        uint32
	maxSampleMaskWords                              uint32
	timestampComputeAndGraphics                     uint32
	timestampPeriod                                 float32
	maxClipDistances                                uint32
	maxCullDistances                                uint32
	maxCombinedClipAndCullDistances                 uint32
	discreteQueuePriorities                         uint32
	pointSizeRange                                  [2]float32
	lineWidthRange                                  [2]float32
	pointSizeGranularity                            float32
	lineWidthGranularity                            float32
	strictLines                                     uint32
	standardSampleLocations                         uint32
	optimalBufferCopyOffsetAlignment                uint64
	optimalBufferCopyRowPitchAlignment              uint64
	nonCoherentAtomSize                             uint64
}

type vkPhysicalDeviceProperties struct {
	apiVersion        uint32
	driverVersion     uint32
	vendorID          uint32
	deviceID          uint32
	deviceType        uint32
	deviceName        [256]byte
	pipelineCacheUUID [16]byte
	limits            vkPhysicalDeviceLimits
	sparseProperties  [5]uint32
}

type vkPhysicalDeviceProperties2 struct {
	sType      uint32
	pNext      uintptr
	properties vkPhysicalDeviceProperties
}

type vkPhysicalDeviceVulkan11Properties struct {
	sType                             uint32
	pNext                             uintptr
	deviceUUID                        [16]byte
	driverUUID                        [16]byte
	deviceLUID                        [8]byte
	deviceNodeMask                    uint32
	deviceLUIDValid                   uint32
	subgroupSize                      uint32
	subgroupSupportedStages           uint32
	subgroupSupportedOperations       uint32
	subgroupQuadOperationsInAllStages uint32
	pointClippingBehavior             uint32
	maxMultiviewViewCount             uint32
	maxMultiviewInstanceIndex         uint32
	protectedNoFault                  uint32
	maxPerSetDescriptors              uint32
	maxMemoryAllocationSize           uint64
}

// vkPhysicalDeviceVulkan12Properties is the structure's head; rest covers the members after
// conformanceVersion, which the package does not read.
type vkPhysicalDeviceVulkan12Properties struct {
	sType                               uint32
	pNext                               uintptr
	driverID                            uint32
	driverName                          [256]byte
	driverInfo                          [256]byte
	conformanceVersion                  [4]uint8
	rest                                [46]uint32
	maxTimelineSemaphoreValueDifference uint64
	framebufferIntegerColorSampleCounts uint32
}

// vkPhysicalDeviceVulkan13Properties is the structure's head and maxBufferSize; the members
// between are covered by opaque arrays.
type vkPhysicalDeviceVulkan13Properties struct {
	sType                                        uint32
	pNext                                        uintptr
	minSubgroupSize                              uint32
	maxSubgroupSize                              uint32
	maxComputeWorkgroupSubgroups                 uint32
	requiredSubgroupSizeStages                   uint32
	inlineAndDotProduct                          [36]uint32
	storageTexelBufferOffsetAlignmentBytes       uint64
	storageTexelBufferOffsetSingleTexelAlignment uint32
	uniformTexelBufferOffsetAlignmentBytes       uint64
	uniformTexelBufferOffsetSingleTexelAlignment uint32
	maxBufferSize                                uint64
}

type vkPhysicalDeviceSubgroupProperties struct {
	sType                     uint32
	pNext                     uintptr
	subgroupSize              uint32
	supportedStages           uint32
	supportedOperations       uint32
	quadOperationsInAllStages uint32
}

// The feature structures are a head and an array of VkBool32, indexed by the constants in
// features.go.
type vkPhysicalDeviceFeatures2 struct {
	sType    uint32
	pNext    uintptr
	features [55]uint32
}

type vkFeatureStruct[N any] struct {
	sType uint32
	pNext uintptr
	b     N
}

type (
	vkPhysicalDeviceVulkan11Features = vkFeatureStruct[[12]uint32]
	vkPhysicalDeviceVulkan12Features = vkFeatureStruct[[47]uint32]
	vkPhysicalDeviceVulkan13Features = vkFeatureStruct[[15]uint32]
	vkPhysicalDeviceAtomicFloat      = vkFeatureStruct[[12]uint32]
	vkPhysicalDeviceAtomicFloat2     = vkFeatureStruct[[12]uint32]
)

type vkMemoryType struct {
	propertyFlags uint32
	heapIndex     uint32
}

type vkMemoryHeap struct {
	size  uint64
	flags uint32
}

type vkPhysicalDeviceMemoryProperties struct {
	memoryTypeCount uint32
	memoryTypes     [32]vkMemoryType
	memoryHeapCount uint32
	memoryHeaps     [16]vkMemoryHeap
}

type vkQueueFamilyProperties struct {
	queueFlags                  uint32
	queueCount                  uint32
	timestampValidBits          uint32
	minImageTransferGranularity [3]uint32
}

type vkDeviceQueueCreateInfo struct {
	sType            uint32
	pNext            uintptr
	flags            uint32
	queueFamilyIndex uint32
	queueCount       uint32
	pQueuePriorities uintptr
}

type vkDeviceCreateInfo struct {
	sType                   uint32
	pNext                   uintptr
	flags                   uint32
	queueCreateInfoCount    uint32
	pQueueCreateInfos       uintptr
	enabledLayerCount       uint32
	ppEnabledLayerNames     uintptr
	enabledExtensionCount   uint32
	ppEnabledExtensionNames uintptr
	pEnabledFeatures        uintptr
}

type vkPipelineCacheCreateInfo struct {
	sType           uint32
	pNext           uintptr
	flags           uint32
	initialDataSize uintptr
	pInitialData    uintptr
}

type vkCommandPoolCreateInfo struct {
	sType            uint32
	pNext            uintptr
	flags            uint32
	queueFamilyIndex uint32
}

type vkCommandBufferAllocateInfo struct {
	sType              uint32
	pNext              uintptr
	commandPool        uint64
	level              uint32
	commandBufferCount uint32
}

type vkCommandBufferBeginInfo struct {
	sType            uint32
	pNext            uintptr
	flags            uint32
	pInheritanceInfo uintptr
}

type vkFenceCreateInfo struct {
	sType uint32
	pNext uintptr
	flags uint32
}

type vkQueryPoolCreateInfo struct {
	sType              uint32
	pNext              uintptr
	flags              uint32
	queryType          uint32
	queryCount         uint32
	pipelineStatistics uint32
}

type vkSubmitInfo struct {
	sType                uint32
	pNext                uintptr
	waitSemaphoreCount   uint32
	pWaitSemaphores      uintptr
	pWaitDstStageMask    uintptr
	commandBufferCount   uint32
	pCommandBuffers      uintptr
	signalSemaphoreCount uint32
	pSignalSemaphores    uintptr
}

type vkMemoryBarrier struct {
	sType         uint32
	pNext         uintptr
	srcAccessMask uint32
	dstAccessMask uint32
}

type vkBufferCopy struct {
	srcOffset uint64
	dstOffset uint64
	size      uint64
}

type vkBufferCreateInfo struct {
	sType                 uint32
	pNext                 uintptr
	flags                 uint32
	size                  uint64
	usage                 uint32
	sharingMode           uint32
	queueFamilyIndexCount uint32
	pQueueFamilyIndices   uintptr
}

type vkMemoryRequirements struct {
	size           uint64
	alignment      uint64
	memoryTypeBits uint32
}

type vkMemoryAllocateInfo struct {
	sType           uint32
	pNext           uintptr
	allocationSize  uint64
	memoryTypeIndex uint32
}

type vkMemoryAllocateFlagsInfo struct {
	sType      uint32
	pNext      uintptr
	flags      uint32
	deviceMask uint32
}

type vkBufferDeviceAddressInfo struct {
	sType  uint32
	pNext  uintptr
	buffer uint64
}

type vkShaderModuleCreateInfo struct {
	sType    uint32
	pNext    uintptr
	flags    uint32
	codeSize uintptr
	pCode    uintptr
}

type vkPushConstantRange struct {
	stageFlags uint32
	offset     uint32
	size       uint32
}

type vkPipelineLayoutCreateInfo struct {
	sType                  uint32
	pNext                  uintptr
	flags                  uint32
	setLayoutCount         uint32
	pSetLayouts            uintptr
	pushConstantRangeCount uint32
	pPushConstantRanges    uintptr
}

type vkSpecializationMapEntry struct {
	constantID uint32
	offset     uint32
	size       uintptr
}

type vkSpecializationInfo struct {
	mapEntryCount uint32
	pMapEntries   uintptr
	dataSize      uintptr
	pData         uintptr
}

type vkPipelineShaderStageCreateInfo struct {
	sType               uint32
	pNext               uintptr
	flags               uint32
	stage               uint32
	module              uint64
	pName               uintptr
	pSpecializationInfo uintptr
}

type vkComputePipelineCreateInfo struct {
	sType              uint32
	pNext              uintptr
	flags              uint32
	stage              vkPipelineShaderStageCreateInfo
	layout             uint64
	basePipelineHandle uint64
	basePipelineIndex  int32
}
