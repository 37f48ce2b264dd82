package cnnc.codegen.java;

import cnnc.compiler.ir.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides the generated class's weight fields and the constructor code that fills them from the Keras-layout
 * weights, so that layouts change and batch norms fold once, at load time, never per call. Keras layouts already
 * suit the generated loops (conv kernels [kh, kw, cin, cout] and dense kernels [in, units] put the output channel
 * innermost), so packing is a copy unless a batch norm folds in.
 */
final class Packing {
    private final Map<String, Integer> weightIndex = new LinkedHashMap<>();
    private final List<String> fields = new ArrayList<>();
    private final List<String> matrixFields = new ArrayList<>();
    private final StringBuilder constructor = new StringBuilder();
    private final Map<String, cnnc.compiler.ir.Shape> shapes;
    private int counter;

    /** {@code shapes}: the per-example shape of every value of the unfused model, by name. */
    Packing(Map<String, cnnc.compiler.ir.Shape> shapes) {
        this.shapes = shapes;
    }

    /** The Keras weight keys in the order the constructor takes them. */
    List<String> weightNames() {
        return new ArrayList<>(weightIndex.keySet());
    }

    /** Packed vectors ({@code float[]}). */
    List<String> fields() {
        return fields;
    }

    /** Packed kernels as rows ({@code float[][]}): each row starts at index 0, which lets C2 vectorize. */
    List<String> matrixFields() {
        return matrixFields;
    }

    String constructorCode() {
        return constructor.toString();
    }

    /** The constructor expression for a raw Keras weight. */
    String raw(Node layer, String weight) {
        return raw(layer.op().weightLayer(layer.attrs(), layer.name()), weight);
    }

    /** The constructor expression for weight {@code weight} of the layer named {@code layer}. */
    String raw(String layer, String weight) {
        String key = layer + "." + weight;
        Integer i = weightIndex.get(key);
        if (i == null) {
            i = weightIndex.size();
            weightIndex.put(key, i);
        }
        return "w[" + i + "]";
    }

    boolean has(Node layer, String weight) {
        return layer.op().weights(layer.attrs(), layer.inputs().stream().map(shapes::get).toList()).stream()
                .anyMatch(s -> s.name().equals(weight));
    }

    private String field(String hint, String init) {
        String name = "p" + (counter++) + "_" + hint;
        fields.add(name);
        constructor.append("this.").append(name).append(" = ").append(init.startsWith("copy(")
                ? "copyInto(this." + name + ", " + init.substring(5) : init.startsWith("new float[")
                ? "zerosInto(this." + name + ", " + init.substring(10, init.length() - 1) + ")" : init).append(";\n");
        return name;
    }

    /**
     * The anchor's kernel and bias fields, with {@code bn} (or null) folded in: per output channel o,
     * kernel·s[o] and (bias - mean)·s[o] + beta with s = gamma/sqrt(var + eps). Returns {kernelField, biasField}
     * (bias null when there is none and nothing folds in). {@code kernelWeight} names the weight holding the
     * output channel last; {@code outChannels} its size.
     */
    String[] anchor(Node anchor, String kernelWeight, String otherKernel, Node bn, int outChannels,
            int kernelRow, int otherRow) {
        // Register the raw weights in Keras order first, so that WEIGHT_NAMES reads like the layer's weights.
        raw(anchor, kernelWeight);
        if (otherKernel != null) {
            raw(anchor, otherKernel);
        }
        String layer = safe(anchor.name());
        String bias = has(anchor, "bias") ? field(layer + "_bias", "copy(" + raw(anchor, "bias") + ")") : null;
        String[] sc = bn == null ? null : batchNorm(bn);
        if (bn != null && bias == null) {
            bias = field(layer + "_bias", "new float[" + outChannels + "]");
        }
        String kernel = matrix(layer + "_" + kernelWeight, raw(anchor, kernelWeight), otherKernel == null ? sc : null,
                kernelRow);
        String other = otherKernel == null ? null : matrix(layer + "_" + otherKernel, raw(anchor, otherKernel), sc,
                otherRow);
        if (bn != null) {
            constructor.append("foldBias(").append(bias).append(", ").append(sc[0]).append(", ").append(sc[1])
                    .append(");\n");
        }
        return new String[] {kernel, bias, other};
    }

    /** A kernel field as rows of {@code rowLength}, its last axis scaled by {@code bn[0]} first when given. */
    private String matrix(String hint, String source, String[] bn, int rowLength) {
        String name = "p" + (counter++) + "_" + hint;
        matrixFields.add(name);
        if (bn == null) {
            constructor.append("this.").append(name).append(" = rowsInto(this.").append(name).append(", ").append(source)
                    .append(", ").append(rowLength).append(");\n");
        } else {
            String t = "t" + counter;
            constructor.append("float[] ").append(t).append(" = copy(").append(source).append(");\n");
            constructor.append("scaleLast(").append(t).append(", ").append(bn[0]).append(");\n");
            constructor.append("this.").append(name).append(" = rowsInto(this.").append(name).append(", ").append(t)
                    .append(", ").append(rowLength).append(");\n");
        }
        return name;
    }

    /** A weight as a plain copy, one field per weight (backward ops read forward weights in Keras layout). */
    String plain(String layer, String weight) {
        return plainFields.computeIfAbsent(layer + "." + weight,
                k -> field(safe(layer) + "_" + weight, "copy(" + raw(layer, weight) + ")"));
    }

    private final Map<String, String> plainFields = new LinkedHashMap<>();
    private final Map<String, String> transposedFields = new LinkedHashMap<>();
    private final Map<String, int[]> scratch = new LinkedHashMap<>();

    /** The [rows, cols] weight of {@code layer} transposed, as {@code cols} rows of {@code rows}. */
    String transposed(String layer, String weight, int rows, int cols) {
        return transposedFields.computeIfAbsent(layer + "." + weight, k -> {
            String name = "p" + (counter++) + "_" + safe(layer) + "_" + weight + "_t";
            matrixFields.add(name);
            constructor.append("this.").append(name).append(" = transposeInto(this.").append(name).append(", ")
                    .append(raw(layer, weight)).append(", ").append(rows).append(", ").append(cols).append(");\n");
            return name;
        });
    }

    /** A kernel's own [rows][cols] accumulator, allocated once with the instance. */
    String scratch(String hint, int rows, int cols) {
        String name = "s" + (counter++) + "_" + hint;
        scratch.put(name, new int[] {rows, cols});
        return name;
    }

    Map<String, int[]> scratchFields() {
        return scratch;
    }

    /** Per-channel {scale, shift} fields of an inference batch norm: gamma/sqrt(var+eps), beta - mean·scale. */
    String[] batchNorm(Node bn) {
        double eps = bn.attrs().getDouble("epsilon");
        String gamma = has(bn, "gamma") ? raw(bn, "gamma") : "null";
        String beta = has(bn, "beta") ? raw(bn, "beta") : "null";
        String mean = raw(bn, "moving_mean");
        String variance = raw(bn, "moving_variance");
        String layer = safe(bn.name());
        String scale = field(layer + "_scale", "bnScale(" + gamma + ", " + variance + ", " + Expr.f(eps) + ")");
        String shift = field(layer + "_shift", "bnShift(" + beta + ", " + mean + ", " + scale + ")");
        return new String[] {scale, shift};
    }

    /** A layer name as part of a Java identifier. */
    private static String safe(String name) {
        String s = name.replaceAll("[^A-Za-z0-9_]", "_");
        return s.length() > 40 ? s.substring(0, 40) : s;
    }
}
