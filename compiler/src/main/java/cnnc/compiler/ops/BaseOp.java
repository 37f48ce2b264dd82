package cnnc.compiler.ops;

import cnnc.compiler.ir.ArgSpec;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.Op;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.ShapeException;
import java.util.List;

/** The parts every op shares: name, aliases, argument list and fusion kind, plus input checks. */
abstract class BaseOp implements Op {
    private final String name;
    private final List<String> aliases;
    private final List<ArgSpec> args;
    private final FusionKind fusionKind;

    BaseOp(String name, List<String> aliases, FusionKind fusionKind, List<ArgSpec> args) {
        this.name = name;
        this.aliases = List.copyOf(aliases);
        this.args = List.copyOf(args);
        this.fusionKind = fusionKind;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<String> aliases() {
        return aliases;
    }

    @Override
    public final List<ArgSpec> args() {
        return args;
    }

    @Override
    public final FusionKind fusionKind() {
        return fusionKind;
    }

    /** The common {@code trainable} argument of layers with weights. */
    static ArgSpec trainable() {
        return ArgSpec.optional("trainable", ArgTypes.bool(), true);
    }

    static ArgSpec dataFormat() {
        return ArgSpec.optional("data_format", ArgTypes.dataFormat(), "channels_last");
    }

    /** Requires an image input [H, W, C]. */
    Shape image(List<Shape> inputs) throws ShapeException {
        Shape in = inputs.get(0);
        if (in.rank() != 3) {
            throw new ShapeException(name + " expects an image input of rank 3 [H, W, C], got " + in + " (rank "
                    + in.rank() + ")");
        }
        return in;
    }

    /**
     * The index into a per-example shape of a Keras axis, which counts the batch axis as 0: -1 is the last axis,
     * 1 the first after the batch.
     */
    static int axisIndex(int axis, int rank, String argument) throws ShapeException {
        if (axis == 0) {
            throw new ShapeException("axis 0 is the batch axis; axes count from 1 (or from the end: -1)", argument);
        }
        int a = axis < 0 ? rank + axis : axis - 1;
        if (a < 0 || a >= rank) {
            throw new ShapeException("axis " + axis + " is out of range for an input of shape with " + rank
                    + " axes besides the batch axis", argument);
        }
        return a;
    }
}
