package cnnc.compiler.ir;

import java.util.stream.Collectors;

/**
 * The IR as text, one value per line, for {@code cnnc ir} and golden tests:
 * <pre>
 * graph FashionNet(%input: [28, 28, 1]) {
 *   %conv2d = Conv2D(filters=16, ...)(%input) : [28, 28, 16]
 *   return %dense_1
 * }
 * </pre>
 */
public final class IrPrinter {
    private IrPrinter() {}

    public static String print(Graph g) {
        StringBuilder out = new StringBuilder("graph ").append(g.name()).append('(');
        out.append(g.inputs().stream().map(i -> "%" + i.name() + ": " + i.shape()).collect(Collectors.joining(", ")));
        out.append(") {\n");
        for (Node n : g.nodes()) {
            String body = n.op() instanceof FusedOp f ? f.describe() : n.attrs().toString();
            out.append("  %").append(n.name()).append(" = ").append(n.op().name()).append('(').append(body)
                    .append(")(").append(n.inputs().stream().map(i -> "%" + i).collect(Collectors.joining(", ")))
                    .append(')');
            if (n.shape() != null) {
                out.append(" : ").append(n.shape());
            }
            out.append('\n');
        }
        out.append("  return ").append(g.outputs().stream().map(o -> "%" + o).collect(Collectors.joining(", ")));
        return out.append("\n}\n").toString();
    }
}
