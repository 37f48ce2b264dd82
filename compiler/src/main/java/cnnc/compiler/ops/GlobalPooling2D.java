package cnnc.compiler.ops;

import cnnc.compiler.ir.ArgSpec;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.ShapeException;
import java.util.List;

/**
 * {@code GlobalAveragePooling2D} and {@code GlobalMaxPooling2D}: one value per channel over all of H and W;
 * [C], or [1, 1, C] with {@code keepdims=true}.
 */
public final class GlobalPooling2D extends BaseOp {
    private final Pooling2D.Kind kind;

    GlobalPooling2D(Pooling2D.Kind kind, String name, List<String> aliases) {
        super(name, aliases, FusionKind.REDUCE, List.of(
                dataFormat(),
                ArgSpec.optional("keepdims", ArgTypes.bool(), false)));
        this.kind = kind;
    }

    public Pooling2D.Kind kind() {
        return kind;
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) throws ShapeException {
        Shape in = image(inputs);
        return a.getBool("keepdims") ? Shape.of(1, 1, in.dim(2)) : Shape.of(in.dim(2));
    }
}
