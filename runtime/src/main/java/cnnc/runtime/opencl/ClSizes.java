package cnnc.runtime.opencl;

import cnnc.codegen.opencl.ClModel;

/** Sizes of an OpenCL model's values. */
final class ClSizes {
    private ClSizes() {}

    static long size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** The largest work-item id or element index a batch of {@code batch} reaches (kernels index with int). */
    static long maxIndex(ClModel model, long batch) {
        long max = 1;
        for (ClModel.Launch l : model.launches()) {
            max = Math.max(max, l.globalSize(batch));
        }
        for (long[] s : model.outputShapes()) {
            max = Math.max(max, size(s) * batch);
        }
        for (long[] s : model.inputShapes()) {
            max = Math.max(max, size(s) * batch);
        }
        for (long s : model.slotSizes()) {
            max = Math.max(max, s * batch);
        }
        return max;
    }
}
