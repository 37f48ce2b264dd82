package cnnc.compiler.ops.grad;

import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/** Shapes stored in attributes of backward ops, as lists of longs. */
public final class GradAttrs {
    private GradAttrs() {}

    public static List<Long> list(Shape s) {
        List<Long> out = new ArrayList<>();
        for (long d : s.dims()) {
            out.add(d);
        }
        return List.copyOf(out);
    }

    static Shape shape(Attrs a, String key) {
        @SuppressWarnings("unchecked")
        List<Long> dims = (List<Long>) a.get(key);
        long[] d = new long[dims.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = dims.get(i);
        }
        return Shape.of(d);
    }
}
