package cnnc.compiler.report;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.GraphInput;
import cnnc.compiler.ir.Node;
import cnnc.compiler.passes.Counting;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code model.summary()} as Keras 2.12 (tf.keras {@code print_summary}) prints it, character for character: a chain
 * model as a Sequential one (line length 65, columns at 45%/85%), any other graph as a Functional one (line length
 * 98, columns at 30%/60%/70%, InputLayer rows and a "Connected to" column). Cells wider than their column wrap as
 * Keras wraps them. Then the parameter totals with thousands separators and, beyond Keras, the total MACs.
 */
public final class KerasSummary {
    private KerasSummary() {}

    /** The summary followed by the planned peak activation memory of one example at inference. */
    public static String render(Graph g, Counting.ModelCounts counts, long peakActivationBytes) {
        return render(g, counts) + "Peak activation memory: " + thousands(peakActivationBytes)
                + " bytes per example (inference, planned)\n";
    }

    public static String render(Graph g, Counting.ModelCounts counts) {
        boolean sequential = ModelView.isSequential(g);
        int lineLength = sequential ? 65 : 98;
        double[] fractions = sequential ? new double[] {0.45, 0.85, 1.0} : new double[] {0.3, 0.6, 0.70, 1.0};
        int[] positions = new int[fractions.length];
        for (int i = 0; i < fractions.length; i++) {
            positions[i] = (int) (lineLength * fractions[i]);
        }
        StringBuilder out = new StringBuilder();
        out.append("Model: \"").append(g.name()).append("\"\n");
        out.append("_".repeat(lineLength)).append('\n');
        List<String> header = new ArrayList<>(List.of("Layer (type)", "Output Shape", "Param #"));
        if (!sequential) {
            header.add("Connected to");
        }
        printRow(out, header, positions);
        out.append("=".repeat(lineLength)).append('\n');
        String blank = " ".repeat(lineLength) + "\n";
        if (!sequential) {
            for (GraphInput in : g.inputs()) {
                printRow(out, List.of(in.name() + " (InputLayer)", "[" + in.shape().toKeras() + "]", "0", "[]"),
                        positions);
                out.append(blank);
            }
        }
        for (Node n : g.nodes()) {
            List<String> fields = new ArrayList<>();
            fields.add(n.name() + " (" + n.op().name() + ")");
            fields.add(n.shape().toKeras());
            fields.add(Long.toString(counts.layers().get(n.name()).params()));
            if (!sequential) {
                List<String> conns = new ArrayList<>();
                for (String i : n.inputs()) {
                    conns.add("'" + i + "[0][0]'");
                }
                fields.add("[" + String.join(", ", conns) + "]");
            }
            printRow(out, fields, positions);
            out.append(blank);
        }
        out.append("=".repeat(lineLength)).append('\n');
        out.append("Total params: ").append(thousands(counts.totalParams())).append('\n');
        out.append("Trainable params: ").append(thousands(counts.trainableParams())).append('\n');
        out.append("Non-trainable params: ").append(thousands(counts.nonTrainableParams())).append('\n');
        out.append("_".repeat(lineLength)).append('\n');
        out.append("Total MACs: ").append(thousands(counts.macs())).append('\n');
        return out.toString();
    }

    /** Python's {@code f"{n:,}"}. */
    public static String thousands(long n) {
        return String.format("%,d", n).replace('\u00a0', ',').replace('.', ',');
    }

    /** Keras' {@code print_row}: cells cut to their column, continued on following lines, breaking after "),". */
    static void printRow(StringBuilder out, List<String> fields, int[] positions) {
        String[] left = fields.toArray(new String[0]);
        while (anyLeft(left)) {
            StringBuilder line = new StringBuilder();
            for (int col = 0; col < left.length; col++) {
                int start = col > 0 ? positions[col - 1] : 0;
                int end = positions[col];
                int space = col != positions.length - 1 ? 2 : 0;
                int cutoff = Math.max(0, end - start - space);
                String fit = left[col].substring(0, Math.min(cutoff, left[col].length()));
                int best = -1;
                for (String brk : new String[] {"),", "},", "],", "',"}) {
                    int at = fit.indexOf(brk);
                    if (at >= 0 && (best < 0 || at + brk.length() < best)) {
                        best = at + brk.length();
                    }
                }
                if (best >= 0) {
                    cutoff = best;
                    fit = fit.substring(0, cutoff);
                }
                if (col == 0) {
                    line.append(' ');
                }
                line.append(fit);
                line.append(" ".repeat(space));
                left[col] = left[col].substring(Math.min(cutoff, left[col].length()));
                int pad = end - line.length();
                if (pad > 0) {
                    line.append(" ".repeat(pad));
                }
            }
            out.append(line).append('\n');
        }
    }

    private static boolean anyLeft(String[] left) {
        for (String s : left) {
            if (!s.isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
