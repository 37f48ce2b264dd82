package cnnc.compiler.ops;

import cnnc.compiler.ir.Padding;
import cnnc.compiler.ir.ShapeException;

/**
 * Window arithmetic shared by convolution and pooling, as Keras/TensorFlow compute it. With the dilated kernel
 * k' = (k-1)·d + 1: {@code valid} gives floor((n - k')/s) + 1; {@code same} gives ceil(n/s) with total padding
 * max((out-1)·s + k' - n, 0), the smaller half before; {@code full} pads k'-1 on each side; explicit padding p gives
 * floor((n + p_before + p_after - k')/s) + 1 (seed 000: n=5, k=3, p=1, s=2 gives 3).
 */
public final class Windows {
    private Windows() {}

    /** The padding before and after along one axis, and the output size. */
    public record Axis(long before, long after, long out) {}

    /**
     * Resolves one spatial axis.
     *
     * @param heightAxis whether this is the height axis (explicit padding picks top/bottom, else left/right)
     * @param what       "kernel" or "pool", for messages
     * @param argument   the argument to blame when the window does not fit
     */
    public static Axis axis(long n, int k, int s, int d, Padding p, boolean heightAxis, String what,
            String argument) throws ShapeException {
        long effective = (long) (k - 1) * d + 1;
        long before;
        long after;
        switch (p.kind()) {
            case SAME -> {
                long out = (n + s - 1) / s;
                long total = Math.max((out - 1) * s + effective - n, 0);
                return new Axis(total / 2, total - total / 2, out);
            }
            case VALID -> {
                before = 0;
                after = 0;
            }
            case FULL -> {
                before = effective - 1;
                after = effective - 1;
            }
            default -> {
                before = heightAxis ? p.top() : p.left();
                after = heightAxis ? p.bottom() : p.right();
            }
        }
        long padded = n + before + after;
        if (padded < effective) {
            String dim = heightAxis ? "height" : "width";
            String size = d > 1 ? k + " (dilated to " + effective + ")" : Long.toString(k);
            throw new ShapeException("the " + what + " " + dim + " " + size + " is larger than the input " + dim + " "
                    + n + (before + after > 0 ? " padded to " + padded : ""), argument);
        }
        return new Axis(before, after, (padded - effective) / s + 1);
    }
}
