package cnnc.runtime.opencl;

import cnnc.codegen.opencl.ClModel;

/** Sizes of an OpenCL model's values. */
final class OpenClExecutables {
    private OpenClExecutables() {}

    static long size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** The most work-items any launch has per example. */
    static long maxItems(ClModel model) {
        long max = 1;
        for (ClModel.Launch l : model.launches()) {
            max = Math.max(max, l.itemsPerExample());
        }
        for (long[] s : model.outputShapes()) {
            max = Math.max(max, size(s));
        }
        for (long s : model.slotSizes()) {
            max = Math.max(max, s);
        }
        return max;
    }
}
