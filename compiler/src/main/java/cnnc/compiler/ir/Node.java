package cnnc.compiler.ir;

import cnnc.compiler.diag.Span;
import java.util.List;

/**
 * One layer application in the IR: a uniquely named op applied to named values (graph inputs or other nodes). The
 * output shape is null until shape inference has run. Immutable; passes make changed copies.
 */
public record Node(String name, Op op, Attrs attrs, List<String> inputs, Shape shape, Span span) {

    public Node {
        inputs = List.copyOf(inputs);
    }

    public Node withShape(Shape newShape) {
        return new Node(name, op, attrs, inputs, newShape, span);
    }

    public Node withAttrs(Attrs newAttrs) {
        return new Node(name, op, newAttrs, inputs, shape, span);
    }

    public Node withInputs(List<String> newInputs) {
        return new Node(name, op, attrs, newInputs, shape, span);
    }

    /** False where the user froze the layer with {@code trainable=false}. */
    public boolean trainable() {
        return !attrs.has("trainable") || attrs.getBool("trainable");
    }
}
