package cnnc.runtime.opencl;

/**
 * One OpenCL device as {@code cnnc devices} lists it: its index in the order cnnc numbers devices (platforms in
 * order, then their devices), platform and device names, type, and the limits kernels are generated for.
 */
public record DeviceInfo(int index, String platform, String name, String type, String version, int computeUnits,
        long globalMemory, long localMemory, long maxAllocation, long maxWorkGroupSize, long maxClockMhz) {

    public boolean gpu() {
        return type.equals("GPU");
    }
}
