package cnnc.compiler.ops;

import cnnc.compiler.ir.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one list of layers cnnc knows. Each op is defined once, in its own file; adding a layer means adding it here
 * (plus its kernels in the backends).
 */
public final class OpRegistry {
    private static final List<Op> OPS = List.of(
            new Conv2D(),
            new DepthwiseConv2D(),
            new SeparableConv2D(),
            new Pooling2D(Pooling2D.Kind.MAX, "MaxPooling2D", List.of("MaxPool2D")),
            new Pooling2D(Pooling2D.Kind.AVERAGE, "AveragePooling2D", List.of("AvgPool2D")),
            new Pooling2D(Pooling2D.Kind.L2, "L2Pooling2D", List.of("L2Pool2D")),
            new GlobalPooling2D(Pooling2D.Kind.AVERAGE, "GlobalAveragePooling2D", List.of("GlobalAvgPool2D")),
            new GlobalPooling2D(Pooling2D.Kind.MAX, "GlobalMaxPooling2D", List.of("GlobalMaxPool2D")),
            new Flatten(),
            new Dense(),
            new Dropout(),
            new BatchNormalization(),
            new ActivationLayer(),
            new ReLU(),
            new LeakyReLU(),
            new Softmax(),
            new ZeroPadding2D(),
            new Add(),
            new Concatenate(),
            new Reshape(),
            new Rescaling());

    private static final Map<String, Op> BY_NAME;

    static {
        Map<String, Op> m = new LinkedHashMap<>();
        for (Op op : OPS) {
            m.put(op.name(), op);
            for (String alias : op.aliases()) {
                m.put(alias, op);
            }
        }
        BY_NAME = Collections.unmodifiableMap(m);
    }

    private OpRegistry() {}

    /** The op with this class name or alias (case-sensitive, as in Keras), or null. */
    public static Op lookup(String name) {
        return BY_NAME.get(name);
    }

    public static List<Op> all() {
        return OPS;
    }

    /** Every name and alias, for "did you mean" suggestions. */
    public static List<String> names() {
        return new ArrayList<>(BY_NAME.keySet());
    }
}
