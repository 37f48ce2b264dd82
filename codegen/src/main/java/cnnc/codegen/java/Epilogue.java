package cnnc.codegen.java;

import cnnc.compiler.ir.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * The pointwise tail of a fused group, as Java statements on one float local: unfolded batch norms (per-channel
 * scale and shift packed at construction), activations, scaling and residual adds reading extra group inputs at the
 * same index.
 */
final class Epilogue {
    /** One step: code with placeholders {@code $V} (the value), {@code $C} (channel) and {@code $I} (flat index). */
    private final List<String> steps = new ArrayList<>();

    /**
     * @param members     the pointwise members in order (folded batch norm excluded)
     * @param chainValue  the value name entering the first member
     * @param extraParams the kernel parameters (array, offset) of each value an Add reads besides the chain
     */
    Epilogue(List<Node> members, String chainValue, Packing packing, java.util.Map<String, String[]> extraParams) {
        String cur = chainValue;
        for (Node m : members) {
            if (m.op().name().equals("BatchNormalization")) {
                String[] sc = packing.batchNorm(m);
                steps.add("$V = $V * " + sc[0] + "[$C] + " + sc[1] + "[$C];");
            } else if (m.op().name().equals("Add")) {
                boolean skippedChain = false;
                for (String in : m.inputs()) {
                    if (in.equals(cur) && !skippedChain) {
                        skippedChain = true;
                        continue;
                    }
                    String[] p = extraParams.get(in);
                    steps.add("$V += " + p[0] + "[" + p[1] + " + $I];");
                }
            } else {
                String s = Pointwise.layer(m, "$V");
                if (s == null) {
                    throw new IllegalArgumentException("not a pointwise op: " + m.op().name());
                }
                if (!s.isEmpty()) {
                    steps.add(s);
                }
            }
            cur = m.name();
        }
    }

    boolean isEmpty() {
        return steps.isEmpty();
    }

    /** Whether a step reads another input at the value's index (a residual add). */
    boolean readsExtras() {
        return steps.stream().anyMatch(st -> st.contains("$I"));
    }

    /** The statements for value {@code v} at channel expression {@code ch} and flat index expression {@code idx}. */
    String emit(String v, String ch, String idx) {
        StringBuilder out = new StringBuilder();
        for (String s : steps) {
            out.append(s.replace("$V", v).replace("$C", ch).replace("$I", idx)).append('\n');
        }
        return out.toString();
    }
}
