package cnnc.runtime.opencl;

import static org.jocl.CL.CL_MEM_COPY_HOST_PTR;
import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_TRUE;

import java.util.ArrayList;
import java.util.List;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * Optimizer updates on the device, after a training step's kernels on the same queue: each trainable weight's buffer
 * is updated in place from its gradient output buffer and its slot buffers (momenta, moving averages), so weights
 * and optimizer state stay on the device between steps; {@link #readSlots} copies the state back for checkpoints.
 */
public final class ClUpdates {
    private record Bound(cl_mem weight, String gradient, cl_mem[] slots, float[][] host, int size) {}

    private final ClExecutable step;
    private final cl_program program;
    private final List<Bound> bound = new ArrayList<>();
    private cl_kernel kernel;
    private String kernelName;

    /** @param source the optimizer's update kernels in OpenCL C */
    public ClUpdates(ClExecutable step, String source) {
        this.step = step;
        OpenCl.Device d = step.openClDevice();
        try {
            program = CL.clCreateProgramWithSource(step.context(), 1, new String[] {source}, null, null);
            CL.clBuildProgram(program, 1, new org.jocl.cl_device_id[] {d.id()}, ClBundle.BUILD_OPTIONS, null, null);
        } catch (CLException e) {
            throw new OpenClException("the optimizer's OpenCL kernels did not build on " + d.info().name() + ": "
                    + e.getMessage());
        }
    }

    /**
     * Updates weight {@code key} from output {@code gradient} with the slots {@code slots} (uploaded now, the arrays
     * kept to copy the device's state back into).
     *
     * @return false when no kernel of the step reads the weight (nothing to update on the device)
     */
    public boolean bind(String key, String gradient, float[][] slots, int size) {
        cl_mem w = step.weightBuffer(key);
        if (w == null) {
            return false;
        }
        cl_mem[] mems = new cl_mem[slots.length];
        try {
            for (int i = 0; i < slots.length; i++) {
                mems[i] = CL.clCreateBuffer(step.context(), CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
                        (long) Math.max(1, size) * Sizeof.cl_float, Pointer.to(slots[i]), null);
            }
        } catch (CLException e) {
            throw step.failure(e, "allocating the optimizer's state");
        }
        bound.add(new Bound(w, gradient, mems, slots, size));
        return true;
    }

    /** Enqueues kernel {@code name} for every bound weight, with {@code scalars} after the buffers. */
    public void step(String name, float[] scalars) {
        try {
            if (!name.equals(kernelName)) {
                kernel = CL.clCreateKernel(program, name, null);
                kernelName = name;
            }
            for (Bound b : bound) {
                int a = 0;
                CL.clSetKernelArg(kernel, a++, Sizeof.cl_mem, Pointer.to(b.weight()));
                CL.clSetKernelArg(kernel, a++, Sizeof.cl_mem, Pointer.to(step.outputBuffer(b.gradient())));
                for (cl_mem m : b.slots()) {
                    CL.clSetKernelArg(kernel, a++, Sizeof.cl_mem, Pointer.to(m));
                }
                for (float f : scalars) {
                    CL.clSetKernelArg(kernel, a++, Sizeof.cl_float, Pointer.to(new float[] {f}));
                }
                CL.clSetKernelArg(kernel, a, Sizeof.cl_int, Pointer.to(new int[] {b.size()}));
                CL.clEnqueueNDRangeKernel(step.queue(), kernel, 1, null, new long[] {b.size()}, null, 0, null, null);
            }
        } catch (CLException e) {
            throw step.failure(e, "updating the weights");
        }
    }

    /** Copies the device's optimizer state into the slot arrays given to {@link #bind}. */
    public void readSlots() {
        try {
            for (Bound b : bound) {
                for (int i = 0; i < b.slots().length; i++) {
                    CL.clEnqueueReadBuffer(step.queue(), b.slots()[i], CL_TRUE, 0, (long) b.size() * Sizeof.cl_float,
                            Pointer.to(b.host()[i]), 0, null, null);
                }
            }
        } catch (CLException e) {
            throw step.failure(e, "reading the optimizer's state back");
        }
    }
}
