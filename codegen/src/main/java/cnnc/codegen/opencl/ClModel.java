package cnnc.codegen.opencl;

import java.util.List;

/**
 * A model rendered for OpenCL: one program, the kernels to launch in order, and the buffers they read and write. A
 * host (cnnc's JOCL runtime, or another one reading {@code cnnc compile --target opencl}'s manifest) allocates the
 * buffers, uploads the weights computed from the Keras-layout ones as {@link WeightBuffer} says, writes the inputs,
 * launches each kernel over {@link Launch#globalSize} work-items with its arguments and the batch size last, and
 * reads the outputs.
 *
 * @param outputBatched whether each output has a batch axis (a training step's weight gradients and batch moments
 *                      do not: one value per batch)
 * @param slotSizes     per-example sizes (floats) of the activation buffers, from the memory plan
 */
public record ClModel(String name, String source, List<String> inputNames, List<long[]> inputShapes,
        List<String> outputNames, List<long[]> outputShapes, List<Boolean> outputBatched, long[] slotSizes,
        List<WeightBuffer> weights, List<Launch> launches) {

    /** Where an argument lives: a model input, a model output, an activation slot, or a weight buffer. */
    public enum Kind { INPUT, OUTPUT, SLOT, WEIGHT }

    public record Arg(Kind kind, int index) {}

    /**
     * One kernel launch: {@code args} in the kernel's parameter order (then {@code int n}, the batch size). The
     * batch's {@code n × rowsPerExample} rows are taken {@code rowsPerItem} at a time, and each block of rows gets
     * {@code itemsPerBlock} work-items ({@link #globalSize}); {@code localSize} is the work-group size (0: the
     * runtime's choice); {@code group} the IR group it computes, for profiles.
     */
    public record Launch(String kernel, String group, List<Arg> args, long rowsPerExample, int rowsPerItem,
            long itemsPerBlock, int localSize) {
        /** A launch of {@code itemsPerExample} work-items per example. */
        public Launch(String kernel, String group, List<Arg> args, long itemsPerExample, int localSize) {
            this(kernel, group, args, 1, 1, itemsPerExample, localSize);
        }

        /** The global work size for a batch of {@code n}: whole work-groups ({@code rowsPerExample} 0: one block). */
        public long globalSize(long n) {
            long items = rowsPerExample == 0 ? itemsPerBlock
                    : (n * rowsPerExample + rowsPerItem - 1) / rowsPerItem * itemsPerBlock;
            return localSize > 0 ? (items + localSize - 1) / localSize * localSize : items;
        }
    }

    /**
     * A weight buffer computed from Keras-layout weights: {@code RAW} copies {@code keys[0]}; {@code BN_SCALE} is
     * gamma/sqrt(variance + epsilon) and {@code BN_SHIFT} beta − mean·scale, per channel, from keys (gamma or "",
     * beta or "", moving_mean, moving_variance), computed in double and rounded to float.
     */
    public record WeightBuffer(String name, Recipe recipe, List<String> keys, double epsilon, long size) {}

    public enum Recipe { RAW, BN_SCALE, BN_SHIFT }
}
