package cnnc.compiler.ops.grad;

import cnnc.compiler.ir.ArgSpec;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.Op;
import cnnc.compiler.ir.Shape;
import java.util.List;

/**
 * Base of the ops the autodiff pass emits (backward and training-mode ops). Users cannot write them; their attributes
 * are set by the pass (copies of the forward layer's, plus {@code layer}, the forward layer whose weights they read)
 * and their output shape is given when they are emitted, so shape inference returns the recorded one.
 */
abstract class GradOp implements Op {
    private final String name;
    private final FusionKind kind;
    private final boolean batched;

    GradOp(String name, FusionKind kind, boolean batched) {
        this.name = name;
        this.kind = kind;
        this.batched = batched;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<ArgSpec> args() {
        return List.of();
    }

    @Override
    public int maxInputs() {
        return Integer.MAX_VALUE;
    }

    @Override
    public FusionKind fusionKind() {
        return kind;
    }

    @Override
    public boolean batched() {
        return batched;
    }

    /** The shape recorded by the pass in attribute {@code shape}. */
    @Override
    public Shape inferShape(Attrs attrs, List<Shape> inputs) {
        @SuppressWarnings("unchecked")
        List<Long> dims = (List<Long>) attrs.get("shape");
        long[] d = new long[dims.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = dims.get(i);
        }
        return Shape.of(d);
    }
}
