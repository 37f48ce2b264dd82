package cnnc.compiler.passes;

import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.diag.Suggestions;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.GraphInput;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Op;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.Vjp;
import cnnc.compiler.ops.Activation;
import cnnc.compiler.ops.OpRegistry;
import cnnc.compiler.ops.grad.GradAttrs;
import cnnc.compiler.ops.grad.Grads;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode autodiff as an IR pass: from a shaped inference graph to the training graph, whose outputs are the
 * per-example loss, the model's outputs, the gradient of every trainable weight ({@code grad/<layer>.<weight>}, summed
 * over the batch, of the mean loss) and each BatchNormalization's batch moments (for the moving averages).
 *
 * <ol>
 *   <li>Training forms: activations fused into conv/dense layers are split off (the layer keeps its weights through
 *       its {@code layer} attribute), Dropout becomes DropoutTrain (a new input {@code dropout_key} holds one key per
 *       example) and a trainable BatchNormalization uses batch moments (a frozen one keeps its moving statistics,
 *       as in Keras 2).</li>
 *   <li>The loss node reads the first output and a new input {@code target}; a softmax output with a
 *       cross-entropy loss fuses into one stable SoftmaxCrossEntropy on the logits.</li>
 *   <li>One reverse topological walk calls each op's vector-Jacobian rule ({@code Op.vjp}) for the nodes that lead
 *       to a trainable weight; gradients of values read several times are summed with Add.</li>
 * </ol>
 * The backward graph is ordinary IR, rendered by the same Java generator as the forward one, after
 * {@link FuseTraining} joins layers with their activations again where the derivative can read the output.
 */
public final class Grad implements Pass {
    /** The losses, by Keras name. */
    public static final List<String> LOSSES = List.of("sparse_categorical_crossentropy", "categorical_crossentropy",
            "binary_crossentropy", "mean_squared_error");

    private final String loss;

    /** {@code loss}: a Keras loss name, or null for sparse categorical cross-entropy after a softmax, else MSE. */
    public Grad(String loss) {
        this.loss = loss;
    }

    @Override
    public String name() {
        return "grad";
    }

    @Override
    public Graph run(Graph g, Diagnostics diags) {
        if (loss != null && !LOSSES.contains(loss)) {
            diags.error(g.span(), "unknown loss `" + loss + "`" + Suggestions.didYouMean(loss, LOSSES) + " (known: "
                    + String.join(", ", LOSSES) + ")");
            return null;
        }
        List<GraphInput> inputs = new ArrayList<>(g.inputs());
        List<Node> forward = trainingForms(g, inputs);
        Map<String, Node> byName = new HashMap<>();
        forward.forEach(n -> byName.put(n.name(), n));
        String output = g.outputs().get(0);
        Node out = byName.get(output);
        Shape outShape = g.shapeOf(output);
        String kind = loss != null ? loss : defaultLoss(g);
        boolean sparse = kind.equals("sparse_categorical_crossentropy");
        if ((sparse || kind.equals("categorical_crossentropy")) && outShape.rank() != 1) {
            diags.error(g.span(), kind + " needs a model output of one axis (class scores), but `" + output
                    + "` has shape " + outShape);
            return null;
        }
        inputs.add(new GraphInput("target", sparse ? Shape.of() : outShape, g.span()));
        String logits = kind.endsWith("categorical_crossentropy") ? softmaxInput(out) : null;
        Node lossNode = logits != null
                ? new Node("loss", Grads.SOFTMAX_CROSS_ENTROPY, Attrs.builder().put("sparse", sparse)
                        .put("shape", List.of()).build(), List.of(logits, "target"), Shape.of(), g.span())
                : new Node("loss", Grads.LOSS, Attrs.builder().put("kind", kind).put("shape", List.of()).build(),
                        List.of(output, "target"), Shape.of(), g.span());
        forward.add(lossNode);
        byName.put("loss", lossNode);
        Backward b = new Backward(forward, inputs, byName, diags);
        if (!b.walk()) {
            return null;
        }
        List<Node> all = new ArrayList<>(forward);
        all.addAll(b.emitted);
        List<String> outputs = new ArrayList<>();
        outputs.add("loss");
        outputs.addAll(g.outputs());
        outputs.addAll(b.weightGrads.values());
        for (Node n : forward) {
            if (n.op() == Grads.BATCH_MOMENTS) {
                outputs.add(n.name());
            }
        }
        return new Graph(g.name(), inputs, all, outputs, g.span());
    }

    /** This pass's loss; null for the default of the graph ({@link #defaultLoss}). */
    public String loss() {
        return loss;
    }

    /**
     * The loss a shaped inference graph trains with when none is named: sparse categorical cross-entropy after a
     * softmax output, else mean squared error.
     */
    public static String defaultLoss(Graph g) {
        String output = g.outputs().get(0);
        Node out = g.nodes().stream().filter(n -> n.name().equals(output)).findFirst().orElse(null);
        boolean softmax = out != null && (softmaxInput(out) != null || (out.attrs().has("activation")
                && out.attrs().get("activation", Activation.class) == Activation.SOFTMAX));
        return softmax ? LOSSES.get(0) : "mean_squared_error";
    }

    /** The logits feeding a softmax output (an Activation(softmax) or last-axis Softmax), or null. */
    private static String softmaxInput(Node out) {
        if (out == null) {
            return null;
        }
        boolean softmax = (out.op().name().equals("Activation")
                && out.attrs().get("activation", Activation.class) == Activation.SOFTMAX)
                || (out.op().name().equals("Softmax") && (out.attrs().getInt("axis") == -1
                || out.attrs().getInt("axis") == out.shape().rank()));
        return softmax ? out.inputs().get(0) : null;
    }

    private static boolean isAnchor(Node n) {
        String op = n.op().name();
        return op.equals("Conv2D") || op.equals("DepthwiseConv2D") || op.equals("SeparableConv2D")
                || op.equals("Dense");
    }

    /** Splits activations off layers and rewrites Dropout and BatchNormalization to their training forms. */
    private static List<Node> trainingForms(Graph g, List<GraphInput> inputs) {
        List<Node> out = new ArrayList<>();
        boolean dropout = false;
        for (Node n : g.nodes()) {
            Attrs a = n.attrs();
            if (isAnchor(n) && a.get("activation", Activation.class) != Activation.LINEAR) {
                String pre = n.name() + "/linear";
                out.add(new Node(pre, n.op(), a.toBuilder().put("activation", Activation.LINEAR)
                        .put("layer", n.name()).build(), n.inputs(), n.shape(), n.span()));
                out.add(new Node(n.name(), OpRegistry.lookup("Activation"), Attrs.builder()
                        .put("activation", a.get("activation")).build(), List.of(pre), n.shape(), n.span()));
            } else if (n.op().name().equals("Dropout")) {
                dropout = true;
                Object seed = a.get("seed");
                out.add(new Node(n.name(), Grads.DROPOUT_TRAIN, Attrs.builder().put("rate", a.get("rate"))
                        .put("seed", seed == null ? (long) n.name().hashCode() : ((Integer) seed).longValue())
                        .put("shape", GradAttrs.list(n.shape())).build(), List.of(n.inputs().get(0), "dropout_key"),
                        n.shape(), n.span()));
            } else if (n.op().name().equals("BatchNormalization") && n.trainable()) {
                // A frozen BatchNormalization keeps inference mode, as in Keras 2 (fine-tuning keeps its statistics).
                Shape c = Shape.of(n.shape().dim(-1));
                Shape moments = Shape.of(2, c.dim(0));
                String m = n.name() + "/moments";
                out.add(new Node(m, Grads.BATCH_MOMENTS, Attrs.builder().put("shape", GradAttrs.list(moments))
                        .build(), List.of(n.inputs().get(0)), moments, n.span()));
                out.add(new Node(n.name(), Grads.BATCH_NORM_TRAIN, Attrs.builder()
                        .put("epsilon", a.get("epsilon")).put("momentum", a.get("momentum"))
                        .put("center", a.get("center")).put("scale", a.get("scale"))
                        .put("trainable", a.get("trainable")).put("layer", n.name())
                        .put("channels", GradAttrs.list(c)).put("shape", GradAttrs.list(n.shape())).build(),
                        List.of(n.inputs().get(0), m), n.shape(), n.span()));
            } else {
                out.add(n);
            }
        }
        if (dropout) {
            inputs.add(new GraphInput("dropout_key", Shape.of(1), g.span()));
        }
        return out;
    }

    /** The reverse walk and the backward nodes it emits. */
    private static final class Backward {
        private final List<Node> forward;
        private final Map<String, Node> byName;
        private final Map<String, Shape> shapes = new HashMap<>();
        private final Diagnostics diags;
        private final Set<String> requires = new HashSet<>();
        private final Map<String, List<String>> contributions = new HashMap<>();
        private final List<Node> emitted = new ArrayList<>();
        private final Map<String, String> weightGrads = new LinkedHashMap<>();
        private final Set<String> names = new HashSet<>();

        Backward(List<Node> forward, List<GraphInput> inputs, Map<String, Node> byName, Diagnostics diags) {
            this.forward = forward;
            this.byName = byName;
            this.diags = diags;
            inputs.forEach(i -> shapes.put(i.name(), i.shape()));
            for (Node n : forward) {
                shapes.put(n.name(), n.shape());
                names.add(n.name());
                if (trainableWeights(n) || n.inputs().stream().anyMatch(requires::contains)) {
                    requires.add(n.name());
                }
            }
        }

        private boolean trainableWeights(Node n) {
            return n.trainable() && !n.op().weights(n.attrs(), n.inputs().stream().map(shapes::get).toList())
                    .isEmpty();
        }

        boolean walk() {
            boolean ok = true;
            for (int k = forward.size() - 1; k >= 0; k--) {
                Node n = forward.get(k);
                String grad;
                if (n.name().equals("loss")) {
                    grad = null;
                } else {
                    List<String> c = contributions.get(n.name());
                    if (c == null || !requires.contains(n.name())) {
                        continue;
                    }
                    grad = c.size() == 1 ? c.get(0) : add("grad/" + n.name(), c, n.shape());
                }
                if (!n.op().vjp(new Context(n, grad))) {
                    diags.error(n.span(), "layer `" + n.name() + "` (" + n.op().name() + ") cannot be differentiated");
                    ok = false;
                }
            }
            return ok;
        }

        private String add(String name, List<String> values, Shape shape) {
            String unique = unique(name);
            emitted.add(new Node(unique, OpRegistry.lookup("Add"), Attrs.empty(), values, shape, null));
            return unique;
        }

        private String unique(String name) {
            String n = name;
            for (int i = 1; !names.add(n); i++) {
                n = name + "#" + i;
            }
            return n;
        }

        /** The rule context for one forward node. */
        private final class Context implements Vjp {
            private final Node node;
            private final String grad;

            Context(Node node, String grad) {
                this.node = node;
                this.grad = grad;
            }

            @Override
            public Node node() {
                return node;
            }

            @Override
            public String grad() {
                return grad;
            }

            @Override
            public Shape inputShape(int i) {
                return shapes.get(node.inputs().get(i));
            }

            @Override
            public boolean needsInput(int i) {
                return requires.contains(node.inputs().get(i));
            }

            @Override
            public boolean needsWeights() {
                return trainableWeights(node);
            }

            @Override
            public String emit(String hint, Op op, Attrs attrs, List<String> inputs, Shape shape) {
                String name = unique("grad/" + node.name() + "/" + hint);
                emitted.add(new Node(name, op, attrs, inputs, shape, node.span()));
                shapes.put(name, shape);
                return name;
            }

            @Override
            public void inputGrad(int i, String value) {
                contributions.computeIfAbsent(node.inputs().get(i), k -> new ArrayList<>()).add(value);
            }

            @Override
            public void weightGrad(String weight, String value) {
                String key = node.op().weightLayer(node.attrs(), node.name()) + "." + weight;
                String name = "grad/" + key;
                if (!names.add(name)) {
                    throw new IllegalStateException("two gradients for " + key);
                }
                Node producer = emitted.stream().filter(e -> e.name().equals(value)).findFirst().orElseThrow();
                emitted.set(emitted.indexOf(producer), new Node(name, producer.op(), producer.attrs(),
                        producer.inputs(), producer.shape(), producer.span()));
                weightGrads.put(key, name);
            }
        }
    }
}
