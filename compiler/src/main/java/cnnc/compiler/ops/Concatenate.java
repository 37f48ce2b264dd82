package cnnc.compiler.ops;

import cnnc.compiler.ops.grad.Rules;
import cnnc.compiler.ir.Vjp;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.ArgSpec;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.ShapeException;
import java.util.List;
import java.util.Map;

/** Keras {@code Concatenate}: joins inputs along {@code axis} (default the last); other axes must agree. */
public final class Concatenate extends BaseOp {
    Concatenate() {
        super("Concatenate", List.of(), FusionKind.INJECTIVE, List.of(
                ArgSpec.optional("axis", ArgTypes.anyInt(), -1)));
    }

    @Override
    public int minInputs() {
        return 2;
    }

    @Override
    public int maxInputs() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) throws ShapeException {
        Shape first = inputs.get(0);
        int axis = axisIndex(a.getInt("axis"), first.rank(), "axis");
        long total = 0;
        for (int i = 0; i < inputs.size(); i++) {
            Shape s = inputs.get(i);
            boolean ok = s.rank() == first.rank();
            for (int d = 0; ok && d < s.rank(); d++) {
                ok = d == axis || s.dim(d) == first.dim(d);
            }
            if (!ok) {
                throw new ShapeException("Concatenate on axis " + a.getInt("axis")
                        + " needs inputs that agree on every other axis, got " + first + " and " + s + " (input "
                        + (i + 1) + ")");
            }
            total += s.dim(axis);
        }
        return first.with(axis, total);
    }

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        int rank = in.get(0).rank();
        int axis = a.getInt("axis") < 0 ? rank + a.getInt("axis") : a.getInt("axis");
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= in.get(0).dim(i);
        }
        int[] shape = in.get(0).shape();
        int total = 0;
        for (NDArray x : in) {
            total += x.dim(axis);
        }
        shape[axis] = total;
        NDArray out = NDArray.zeros(shape);
        int outChunk = out.size() / outer;
        int offset = 0;
        for (NDArray x : in) {
            int chunk = x.size() / outer;
            for (int o = 0; o < outer; o++) {
                System.arraycopy(x.data(), o * chunk, out.data(), o * outChunk + offset, chunk);
            }
            offset += chunk;
        }
        return out;
    }

    @Override
    public boolean vjp(Vjp ctx) {
        return Rules.concatenate(ctx);
    }
}
