package cnnc.runtime.opencl;

import static org.jocl.CL.CL_MEM_COPY_HOST_PTR;
import static org.jocl.CL.CL_MEM_READ_ONLY;
import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_PROFILING_COMMAND_END;
import static org.jocl.CL.CL_PROFILING_COMMAND_START;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.CL_QUEUE_PROFILING_ENABLE;
import static org.jocl.CL.CL_TRUE;

import cnnc.codegen.opencl.ClModel;
import cnnc.codegen.opencl.OpenClGenerator;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.passes.Fuse;
import cnnc.runtime.exec.Executable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * A model compiled to OpenCL C ({@link OpenClGenerator}) and run through JOCL on one device: the weights live in
 * device buffers from construction, activations in buffers laid out by the memory plan and grown with the batch,
 * and a run writes the inputs, launches every kernel in order on one in-order queue and reads the outputs. Programs
 * are built once per process for each (source, device) pair. With profiling, each launch's time is taken from its
 * event ({@link #profile()}).
 */
public final class ClExecutable implements Executable, AutoCloseable {
    /** A kernel's accumulated device time. */
    public record KernelTime(String kernel, String group, long nanos, long launches) {}

    private record DeviceContext(cl_context context, cl_command_queue queue, cl_command_queue profiled) {}

    private static final Map<String, DeviceContext> CONTEXTS = new ConcurrentHashMap<>();
    private static final Map<String, cl_program> PROGRAMS = new ConcurrentHashMap<>();

    private final ClModel model;
    private final OpenCl.Device device;
    private final cl_command_queue queue;
    private final cl_context context;
    private final cl_kernel[] kernels;
    private final cl_mem[] weights;
    private final boolean profiling;
    private final long[] nanos;
    private long runs;
    private cl_mem[] inputs = new cl_mem[0];
    private cl_mem[] outputs = new cl_mem[0];
    private cl_mem[] slots = new cl_mem[0];
    private int capacity;

    ClExecutable(ClModel model, Map<String, Tensor> keras, OpenCl.Device device, boolean profiling) {
        this.model = model;
        this.device = device;
        this.profiling = profiling;
        DeviceContext dc = context(device);
        this.context = dc.context();
        this.queue = profiling ? dc.profiled() : dc.queue();
        cl_program program = program(model, device, context);
        this.kernels = new cl_kernel[model.launches().size()];
        try {
            for (int i = 0; i < kernels.length; i++) {
                kernels[i] = CL.clCreateKernel(program, model.launches().get(i).kernel(), null);
            }
            this.weights = new cl_mem[model.weights().size()];
            for (int i = 0; i < weights.length; i++) {
                float[] data = WeightRecipes.compute(model.weights().get(i), keras);
                weights[i] = CL.clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                        (long) Math.max(1, data.length) * Sizeof.cl_float, Pointer.to(data.length == 0
                                ? new float[1] : data), null);
            }
        } catch (CLException e) {
            throw failure(e, "setting up the model");
        }
        this.nanos = new long[kernels.length];
    }

    /**
     * Compiles {@code shaped} (a graph after shape inference) for the device {@code deviceSpec} names ({@link
     * OpenCl#select}) with Keras-layout {@code weights}.
     */
    public static ClExecutable compile(Graph shaped, Map<String, Tensor> weights, String deviceSpec,
            boolean profiling) {
        Graph fused = new Fuse().run(shaped, new Diagnostics());
        String missing = OpenClGenerator.unsupported(fused);
        if (missing != null) {
            throw new OpenClException("the OpenCL backend has no kernel for " + missing + "; use --backend java");
        }
        OpenCl.Device device = OpenCl.select(deviceSpec);
        return new ClExecutable(OpenClGenerator.generate(fused), weights, device, profiling);
    }

    /** Loads what {@code cnnc compile --target opencl} wrote ({@link ClBundle}) for the device {@code deviceSpec} names. */
    public static ClExecutable load(java.nio.file.Path dir, String deviceSpec, boolean profiling)
            throws java.io.IOException {
        ClBundle.Loaded b = ClBundle.read(dir);
        return new ClExecutable(b.model(), b.buffers(), OpenCl.select(deviceSpec), profiling);
    }

    public DeviceInfo device() {
        return device.info();
    }

    public ClModel model() {
        return model;
    }

    private static DeviceContext context(OpenCl.Device d) {
        return CONTEXTS.computeIfAbsent(d.info().index() + "/" + d.info().name(), k -> {
            try {
                cl_context ctx = CL.clCreateContext(null, 1, new org.jocl.cl_device_id[] {d.id()}, null, null, null);
                @SuppressWarnings("deprecation")
                cl_command_queue q = CL.clCreateCommandQueue(ctx, d.id(), 0, null);
                @SuppressWarnings("deprecation")
                cl_command_queue p = CL.clCreateCommandQueue(ctx, d.id(), CL_QUEUE_PROFILING_ENABLE, null);
                return new DeviceContext(ctx, q, p);
            } catch (CLException e) {
                throw new OpenClException("cannot open the OpenCL device " + d.info().name() + ": " + e.getMessage());
            }
        });
    }

    private static cl_program program(ClModel model, OpenCl.Device d, cl_context ctx) {
        String key = sha256(model.source()) + "@" + d.info().index() + "/" + d.info().name();
        return PROGRAMS.computeIfAbsent(key, k -> {
            cl_program p = CL.clCreateProgramWithSource(ctx, 1, new String[] {model.source()}, null, null);
            try {
                // Unsuffixed literals are floats: devices need not support double.
                CL.clBuildProgram(p, 1, new org.jocl.cl_device_id[] {d.id()}, ClBundle.BUILD_OPTIONS, null, null);
            } catch (CLException e) {
                throw new OpenClException("the generated OpenCL kernels did not build on " + d.info().name()
                        + " (" + e.getMessage() + "); the source is saved in " + save(model) + "; build log:\n"
                        + buildLog(p, d));
            }
            return p;
        });
    }

    private static String buildLog(cl_program p, OpenCl.Device d) {
        long[] size = new long[1];
        CL.clGetProgramBuildInfo(p, d.id(), CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        CL.clGetProgramBuildInfo(p, d.id(), CL_PROGRAM_BUILD_LOG, b.length, Pointer.to(b), null);
        return new String(b, StandardCharsets.UTF_8).replace("\0", "").strip();
    }

    private static String save(ClModel model) {
        try {
            Path file = Files.createTempFile("cnnc-" + model.name() + "-", ".cl");
            Files.writeString(file, model.source());
            return file.toString();
        } catch (IOException e) {
            return "(nowhere: " + e.getMessage() + ")";
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(
                    StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The user's message for an OpenCL error met while {@code doing}. */
    OpenClException failure(CLException e, String doing) {
        String name = device.info().name();
        return switch (e.getStatus()) {
            case CL.CL_MEM_OBJECT_ALLOCATION_FAILURE, CL.CL_OUT_OF_RESOURCES, CL.CL_OUT_OF_HOST_MEMORY,
                    CL.CL_INVALID_BUFFER_SIZE -> new OpenClException("out of device memory on " + name + " while "
                    + doing + " (" + e.getMessage() + "); use a smaller batch");
            case CL.CL_DEVICE_NOT_AVAILABLE, CL.CL_DEVICE_NOT_FOUND -> new OpenClException("the OpenCL device " + name
                    + " was lost while " + doing + " (" + e.getMessage() + ")");
            default -> new OpenClException("OpenCL failed on " + name + " while " + doing + ": " + e.getMessage());
        };
    }

    private void ensure(int batch) {
        if (batch <= capacity) {
            return;
        }
        release(inputs);
        release(outputs);
        release(slots);
        int cap = Math.max(batch, capacity * 2);
        try {
            inputs = buffers(model.inputShapes().stream().mapToLong(ClSizes::size).toArray(), cap);
            outputs = buffers(model.outputShapes().stream().mapToLong(ClSizes::size).toArray(), cap);
            slots = buffers(model.slotSizes(), cap);
        } catch (CLException e) {
            capacity = 0;
            inputs = new cl_mem[0];
            outputs = new cl_mem[0];
            slots = new cl_mem[0];
            throw failure(e, "allocating buffers for a batch of " + batch);
        }
        capacity = cap;
    }

    private cl_mem[] buffers(long[] perExample, int batch) {
        cl_mem[] out = new cl_mem[perExample.length];
        for (int i = 0; i < out.length; i++) {
            long bytes = Math.max(1, perExample[i] * batch) * Sizeof.cl_float;
            if (bytes > device.info().maxAllocation()) {
                throw new OpenClException("out of device memory on " + device.info().name() + ": a batch of " + batch
                        + " needs a buffer of " + bytes + " bytes, more than the device allocates at once ("
                        + device.info().maxAllocation() + "); use a smaller batch");
            }
            out[i] = CL.clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null);
        }
        return out;
    }

    private static void release(cl_mem[] mems) {
        for (cl_mem m : mems) {
            if (m != null) {
                CL.clReleaseMemObject(m);
            }
        }
    }

    @Override
    public void run(float[][] in, float[][] out, int batch) {
        run(in, out, batch, null);
    }

    /** As {@link #run(float[][], float[][], int)}, reading back only the outputs {@code read} marks (null: all). */
    public synchronized void run(float[][] in, float[][] out, int batch, boolean[] read) {
        if (batch == 0) {
            return;
        }
        if (ClSizes.maxIndex(model, batch) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a batch of " + batch + " is too large for the OpenCL kernels' int"
                    + " indices; run a smaller batch");
        }
        ensure(batch);
        try {
            for (int i = 0; i < in.length; i++) {
                long n = ClSizes.size(model.inputShapes().get(i)) * batch;
                CL.clEnqueueWriteBuffer(queue, inputs[i], CL_TRUE, 0, n * Sizeof.cl_float, Pointer.to(in[i]), 0, null,
                        null);
            }
            cl_event[] events = profiling ? new cl_event[kernels.length] : null;
            for (int k = 0; k < kernels.length; k++) {
                ClModel.Launch l = model.launches().get(k);
                int a = 0;
                for (ClModel.Arg arg : l.args()) {
                    cl_mem m = switch (arg.kind()) {
                        case INPUT -> inputs[arg.index()];
                        case OUTPUT -> outputs[arg.index()];
                        case SLOT -> slots[arg.index()];
                        case WEIGHT -> weights[arg.index()];
                    };
                    CL.clSetKernelArg(kernels[k], a++, Sizeof.cl_mem, Pointer.to(m));
                }
                CL.clSetKernelArg(kernels[k], a, Sizeof.cl_int, Pointer.to(new int[] {batch}));
                long local = l.localSize();
                long global = l.globalSize(batch);
                if (profiling) {
                    events[k] = new cl_event();
                }
                CL.clEnqueueNDRangeKernel(queue, kernels[k], 1, null, new long[] {global},
                        local > 0 ? new long[] {local} : null, 0, null, profiling ? events[k] : null);
            }
            for (int o = 0; o < out.length; o++) {
                if (read != null && !read[o]) {
                    continue;
                }
                long n = ClSizes.size(model.outputShapes().get(o))
                        * (model.outputBatched().get(o) ? batch : 1);
                CL.clEnqueueReadBuffer(queue, outputs[o], CL_TRUE, 0, n * Sizeof.cl_float, Pointer.to(out[o]), 0, null,
                        null);
            }
            if (profiling) {
                for (int k = 0; k < kernels.length; k++) {
                    long[] t0 = new long[1];
                    long[] t1 = new long[1];
                    CL.clGetEventProfilingInfo(events[k], CL_PROFILING_COMMAND_START, Sizeof.cl_ulong, Pointer.to(t0),
                            null);
                    CL.clGetEventProfilingInfo(events[k], CL_PROFILING_COMMAND_END, Sizeof.cl_ulong, Pointer.to(t1),
                            null);
                    nanos[k] += t1[0] - t0[0];
                    CL.clReleaseEvent(events[k]);
                }
            }
            runs++;
        } catch (CLException e) {
            throw failure(e, "running a batch of " + batch);
        }
    }

    /** Device time per kernel since construction (profiling only), in launch order. */
    public List<KernelTime> profile() {
        List<KernelTime> out = new ArrayList<>();
        for (int k = 0; k < kernels.length; k++) {
            ClModel.Launch l = model.launches().get(k);
            out.add(new KernelTime(l.kernel(), l.group(), nanos[k], runs));
        }
        return out;
    }

    @Override
    public List<String> inputNames() {
        return model.inputNames();
    }

    @Override
    public List<long[]> inputShapes() {
        return model.inputShapes();
    }

    @Override
    public List<String> outputNames() {
        return model.outputNames();
    }

    @Override
    public List<long[]> outputShapes() {
        return model.outputShapes();
    }

    @Override
    public List<Boolean> outputBatched() {
        return model.outputBatched();
    }

    /** Uploads new Keras-layout weights (after an optimizer step) into the weight buffers. */
    public synchronized void setWeights(Map<String, Tensor> keras) {
        try {
            for (int i = 0; i < weights.length; i++) {
                float[] data = WeightRecipes.compute(model.weights().get(i), keras);
                CL.clEnqueueWriteBuffer(queue, weights[i], CL_TRUE, 0, (long) data.length * Sizeof.cl_float,
                        Pointer.to(data), 0, null, null);
            }
        } catch (CLException e) {
            throw failure(e, "uploading weights");
        }
    }

    /** The buffer of the weight keyed {@code key} (Keras layout, as uploaded), or null when no kernel reads it. */
    cl_mem weightBuffer(String key) {
        for (int i = 0; i < weights.length; i++) {
            ClModel.WeightBuffer w = model.weights().get(i);
            if (w.recipe() == ClModel.Recipe.RAW && w.keys().get(0).equals(key)) {
                return weights[i];
            }
        }
        return null;
    }

    /** The buffer of output {@code name} (allocated by a run). */
    cl_mem outputBuffer(String name) {
        return outputs[model.outputNames().indexOf(name)];
    }

    cl_context context() {
        return context;
    }

    cl_command_queue queue() {
        return queue;
    }

    OpenCl.Device openClDevice() {
        return device;
    }

    /** Copies the weights the device holds (the RAW ones, as an on-device optimizer leaves them) into {@code into}. */
    public synchronized void readWeights(Map<String, float[]> into) {
        try {
            for (int i = 0; i < weights.length; i++) {
                ClModel.WeightBuffer w = model.weights().get(i);
                float[] host = into.get(w.keys().get(0));
                if (w.recipe() == ClModel.Recipe.RAW && host != null) {
                    CL.clEnqueueReadBuffer(queue, weights[i], CL_TRUE, 0, (long) host.length * Sizeof.cl_float,
                            Pointer.to(host), 0, null, null);
                }
            }
        } catch (CLException e) {
            throw failure(e, "reading the weights back");
        }
    }

    /** The training step of {@code train} (a graph from the autodiff pass) on the device {@code deviceSpec} names. */
    public static ClExecutable compileTraining(Graph train, Map<String, Tensor> weights, String deviceSpec) {
        return new ClExecutable(OpenClGenerator.generateTraining(train), weights, OpenCl.select(deviceSpec), false);
    }

    @Override
    public synchronized void close() {
        release(inputs);
        release(outputs);
        release(slots);
        release(weights);
        for (cl_kernel k : kernels) {
            CL.clReleaseKernel(k);
        }
        inputs = outputs = slots = new cl_mem[0];
        capacity = 0;
    }
}
