package cnnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import cnnc.compiler.Compiler;
import cnnc.compiler.diag.CompileException;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.interp.Interpreter;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.GraphInput;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.WeightSpec;
import cnnc.compiler.passes.RandomTrainableNets.Net;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Laws of the autodiff pass ({@link Grad}) over random small models ({@link RandomTrainableNets}), run in the
 * reference interpreter in double precision.
 *
 * <ol>
 *   <li>The training graph's {@code grad/<layer>.<weight>} of every trainable weight matches the central difference
 *       (L(w + h) − L(w − h))/2h of the mean loss L, h = 10⁻⁵, at up to {@value #ENTRIES} sampled entries per
 *       weight, within 10⁻⁵·max(1, |numeric|). Why that tolerance: with the O(1) weights, inputs and losses drawn
 *       here, the difference's truncation error h²/6·|L'''| is about 2·10⁻¹¹·|L'''| and its rounding error about
 *       ε·|L|/h ≈ 10⁻¹¹, so 10⁻⁵ leaves orders of magnitude for strong curvature (the scaled errors seen are below
 *       10⁻⁷, nearly all below 10⁻¹⁰: see the "scaled error" statistics), while a wrong rule (a dropped term, a
 *       wrong tap, a slope off by 1%) is off by 10⁻³ of the gradient or more. The floor 1 keeps tiny gradients
 *       from demanding relative precision they cannot have. Kinks (ReLU at its threshold, max-pool ties, relu6 and
 *       hard-sigmoid corners, the loss's clip range) are made unlikely by continuous random weights and inputs
 *       scaled by fan-in; where h = 10⁻⁵ still disagrees, the difference is taken again with h = 10⁻⁷ (a kink
 *       crossed at distance δ &lt; h is crossed by the finer step with probability 100 times smaller): agreement
 *       there passes; where the one-sided differences at 10⁻⁷ still disagree by more than the tolerance, w sits
 *       on a kink and the draw is skipped ({@link Assume}); anything else fails ({@link #compare}).</li>
 *   <li>Adding a branch whose value reaches no loss (a dead branch, or a second model output the loss does not
 *       read) changes no loss and no gradient, bit for bit, and gives the branch's weights no gradient.</li>
 *   <li>Frozen ({@code trainable=false}) layers get no {@code grad/} output, and gradients still flow through them:
 *       the trainable layers before them match finite differences, and freezing a convolution or Dense layer
 *       changes no other weight's gradient (a frozen BatchNormalization does, as it switches to its moving
 *       statistics, so it is frozen in both).</li>
 * </ol>
 */
class GradProperties {
    private static final double H = 1e-5;
    private static final double H_FINE = 1e-7;
    private static final double TOLERANCE = 1e-5;
    private static final int ENTRIES = 4;

    /** Seeds spread over all longs, without edge cases (jqwik would otherwise repeat 0, ±1, ±2 and so models). */
    @Provide
    static Arbitrary<Long> seeds() {
        return Arbitraries.longs().withDistribution(RandomDistribution.uniform()).withoutEdgeCases();
    }

    @Provide
    Arbitrary<Net> nets() {
        return nets(0.15, false, 8);
    }

    @Provide
    Arbitrary<Net> frozenNets() {
        return nets(0.5, true, 5);
    }

    private static Arbitrary<Net> nets(double freezeRate, boolean leadTrainable, int maxSteps) {
        return Combinators.combine(Arbitraries.integers().between(3, 8), Arbitraries.integers().between(3, 8),
                Arbitraries.integers().between(1, 3), seeds().list().ofMinSize(1).ofMaxSize(maxSteps),
                seeds()).as((h, w, c, steps, head) -> RandomTrainableNets.build(h, w, c, steps, head,
                freezeRate, leadTrainable));
    }

    @Property(tries = 100)
    void everyTrainableWeightGradientMatchesCentralDifferences(@ForAll("nets") Net net, @ForAll("seeds") long dataSeed,
            @ForAll @IntRange(min = 2, max = 4) int batch) {
        Graph shaped = compile(net.text());
        Graph train = grad(shaped, net);
        SplittableRandom r = new SplittableRandom(dataSeed);
        Data d = draw(shaped, train, net, r, batch);
        assertEquals(expectedGradients(shaped), gradients(train), "the gradients the graph gives\n" + net);
        int checked = checkFiniteDifferences(net, train, d, r);
        collectLayers(shaped);
        net.lines.stream().filter(l -> l.op().equals("Unit") || l.op().equals("repeat"))
                .forEach(l -> Statistics.label("layers").collect(l.op().equals("Unit") ? "block instance" : "repeat"));
        Statistics.label("loss").collect(net.loss == null ? "default" : net.loss);
        Statistics.label("weights checked").collect(checked == 0 ? "none" : checked < 10 ? "1-9" : "10+");
        Statistics.label("layers").coverage(c -> {
            for (String kind : List.of("Conv2D", "DepthwiseConv2D", "SeparableConv2D", "MaxPooling2D valid",
                    "MaxPooling2D same", "AveragePooling2D valid", "AveragePooling2D same", "L2Pooling2D valid",
                    "L2Pooling2D same", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "BatchNormalization",
                    "BatchNormalization frozen", "Dropout", "Dense on rank 1", "Dense on rank 3", "Add", "Concatenate",
                    "ZeroPadding2D", "Reshape", "Flatten", "Rescaling", "ReLU", "LeakyReLU", "Activation",
                    "Softmax", "block instance", "repeat")) {
                c.check(kind).count(n -> n > 0);
            }
        });
        Statistics.label("loss").coverage(c -> {
            for (String loss : List.of(RandomTrainableNets.SPARSE, RandomTrainableNets.CATEGORICAL,
                    RandomTrainableNets.BINARY, RandomTrainableNets.MSE)) {
                c.check(loss).count(n -> n > 0);
            }
        });
    }

    /**
     * {@link FuseTraining} changes no value of the training graph: the derivatives it rewrites to read the
     * activation's output equal the pre-activation forms (bit for bit but for elu, whose e^x becomes expm1(x) + 1).
     */
    @Property(tries = 60)
    void fusingLayersWithActivationsChangesNoValue(@ForAll("nets") Net net, @ForAll("seeds") long dataSeed,
            @ForAll @IntRange(min = 1, max = 3) int batch) {
        Graph shaped = compile(net.text());
        Graph train = grad(shaped, net);
        Graph fused = new FuseTraining().run(train, new Diagnostics());
        Data d = draw(shaped, train, net, new SplittableRandom(dataSeed), batch);
        Map<String, NDArray> plain = Interpreter.runExact(train, d.weights(), d.inputs());
        Map<String, NDArray> joined = Interpreter.runExact(fused, d.weights(), d.inputs());
        assertEquals(train.outputs(), fused.outputs());
        for (String out : train.outputs()) {
            double[] a = plain.get(out).data();
            double[] b = joined.get(out).data();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-12 * Math.max(1, Math.abs(a[i])), out + "[" + i + "]\n" + net.text());
            }
        }
        long groups = fused.nodes().stream().filter(n -> n.op() instanceof cnnc.compiler.ir.FusedOp).count();
        assertEquals(train.nodes().size() - groups, fused.nodes().size(), "each group replaces two nodes");
        Statistics.label("fused layers").collect(groups == 0 ? "none" : groups == 1 ? "one" : "several");
    }

    @Property(tries = 50)
    void anUnusedBranchChangesNoGradient(@ForAll("nets") Net net, @ForAll("seeds") long branchSeed,
            @ForAll("seeds") long dataSeed, @ForAll @IntRange(min = 2, max = 4) int batch) {
        String branched = net.withDeadBranch(branchSeed);
        Graph shaped = compile(net.text());
        Graph train = grad(shaped, net);
        Graph shapedBranched = compile(branched);
        Graph trainBranched = grad(shapedBranched, net);
        // Draw for the larger graph; the interpreter ignores weights and inputs a graph does not have.
        Data d = draw(shapedBranched, trainBranched, net, new SplittableRandom(dataSeed), batch);
        Map<String, NDArray> plain = Interpreter.runExact(train, d.weights(), d.inputs());
        Map<String, NDArray> withBranch = Interpreter.runExact(trainBranched, d.weights(), d.inputs());
        assertArrayEquals(plain.get("loss").data(), withBranch.get("loss").data(), 0, "loss\n" + branched);
        assertEquals(gradients(train), gradients(trainBranched), "the weights with gradients\n" + branched);
        for (String key : gradients(train)) {
            assertArrayEquals(plain.get("grad/" + key).data(), withBranch.get("grad/" + key).data(), 0,
                    "grad/" + key + "\n" + branched);
        }
        Statistics.label("branch").collect(branched.contains("output " + net.output + ",") ? "second output"
                : "dead value");
    }

    @Property(tries = 50)
    void frozenLayersGetNoGradientAndPassOneOn(@ForAll("frozenNets") Net net, @ForAll("seeds") long dataSeed,
            @ForAll @IntRange(min = 2, max = 4) int batch) {
        Assume.that(!net.frozen().isEmpty());
        Graph shaped = compile(net.text());
        Graph train = grad(shaped, net);
        for (String layer : net.frozen()) {
            assertTrue(!shaped.node(layer).trainable(), "`" + layer + "` is not frozen\n" + net);
            for (String out : train.outputs()) {
                assertTrue(!out.startsWith("grad/" + layer + "."), "frozen `" + layer + "` has " + out + "\n" + net);
            }
        }
        assertEquals(expectedGradients(shaped), gradients(train), "the gradients the graph gives\n" + net);
        SplittableRandom r = new SplittableRandom(dataSeed);
        Data d = draw(shaped, train, net, r, batch);
        checkFiniteDifferences(net, train, d, r);
        Map<String, NDArray> values = Interpreter.runExact(train, d.weights(), d.inputs());
        boolean flows = false;
        for (double v : values.get("grad/conv1.kernel").data()) {
            flows |= v != 0;
        }
        Statistics.label("lead gradient").collect(flows ? "nonzero" : "zero");
        Statistics.label("lead gradient").coverage(c -> c.check("nonzero").percentage(p -> p > 50));

        String unfrozen = net.textWithLayersUnfrozen();
        if (!unfrozen.equals(net.text())) {
            Graph trainUnfrozen = grad(compile(unfrozen), net);
            Map<String, NDArray> live = Interpreter.runExact(trainUnfrozen, d.weights(), d.inputs());
            assertArrayEquals(values.get("loss").data(), live.get("loss").data(), 0, "loss\n" + unfrozen);
            for (String key : gradients(train)) {
                assertArrayEquals(live.get("grad/" + key).data(), values.get("grad/" + key).data(), 0,
                        "grad/" + key + " with the layers unfrozen\n" + net);
            }
            assertTrue(gradients(trainUnfrozen).containsAll(gradients(train)), unfrozen);
        }
        Statistics.label("frozen").collect(net.hasFrozenBatchNorm() ? "with a batch norm" : "layers only");
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Weights by key and inputs by name, in double precision. */
    record Data(Map<String, NDArray> weights, Map<String, NDArray> inputs) {}

    private static Graph compile(String text) {
        try {
            return Compiler.compileText("random.cnn", text);
        } catch (CompileException e) {
            return fail("a generated model does not compile:\n" + text + e.diagnostics().render());
        }
    }

    private static Graph grad(Graph shaped, Net net) {
        Diagnostics diags = new Diagnostics();
        Graph train = new Grad(net.loss).run(shaped, diags);
        assertNotNull(train, () -> "grad failed:\n" + net + diags.render());
        Verifier.verify(train, true);
        return train;
    }

    private static String key(Node n, WeightSpec w) {
        return n.op().weightLayer(n.attrs(), n.name()) + "." + w.name();
    }

    /** The trainable weights of the layers the first output depends on: exactly those that should have gradients. */
    private static Set<String> expectedGradients(Graph shaped) {
        Set<String> live = new HashSet<>(List.of(shaped.outputs().get(0)));
        Set<String> out = new TreeSet<>();
        List<Node> nodes = shaped.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (!live.contains(n.name())) {
                continue;
            }
            live.addAll(n.inputs());
            for (WeightSpec w : n.op().weights(n.attrs(), n.inputs().stream().map(shaped::shapeOf).toList())) {
                if (n.trainable() && w.trainable()) {
                    out.add(key(n, w));
                }
            }
        }
        return out;
    }

    private static Set<String> gradients(Graph train) {
        Set<String> out = new TreeSet<>();
        for (String o : train.outputs()) {
            if (o.startsWith("grad/")) {
                out.add(o.substring("grad/".length()));
            }
        }
        return out;
    }

    /**
     * Weights scaled by fan-in so that activations stay O(1) (kernels N(0, 1.2²/fan-in); biases, beta and moving
     * means N(0, 0.3²); gamma and moving variances in [0.5, 1.5)), inputs N(0, 1), targets that fit the loss, and
     * fixed dropout keys.
     */
    private static Data draw(Graph shaped, Graph train, Net net, SplittableRandom r, int batch) {
        Map<String, NDArray> weights = new HashMap<>();
        for (Node n : shaped.nodes()) {
            for (WeightSpec w : n.op().weights(n.attrs(), n.inputs().stream().map(shaped::shapeOf).toList())) {
                long[] dims = w.shape().dims();
                NDArray a = NDArray.zeros(ints(dims));
                long fanIn = 1;
                for (int i = 0; i < dims.length - 1; i++) {
                    fanIn *= w.name().equals("depthwise_kernel") && i == 2 ? 1 : dims[i];
                }
                for (int i = 0; i < a.size(); i++) {
                    a.data()[i] = switch (w.name()) {
                        case "gamma", "moving_variance" -> 0.5 + r.nextDouble();
                        case "bias", "beta", "moving_mean" -> 0.3 * r.nextGaussian();
                        default -> 1.2 * r.nextGaussian() / Math.sqrt(fanIn);
                    };
                }
                weights.put(key(n, w), a);
            }
        }
        Map<String, NDArray> inputs = new HashMap<>();
        for (GraphInput in : train.inputs()) {
            int[] shape = new int[in.shape().rank() + 1];
            shape[0] = batch;
            for (int i = 0; i < in.shape().rank(); i++) {
                shape[i + 1] = (int) in.shape().dim(i);
            }
            NDArray a = NDArray.zeros(shape);
            boolean sparse = in.shape().rank() == 0;
            int classes = (int) shaped.shapeOf(shaped.outputs().get(0)).dim(-1);
            for (int i = 0; i < a.size(); i++) {
                a.data()[i] = switch (in.name()) {
                    case "target" -> sparse ? r.nextInt(classes)
                            : RandomTrainableNets.CATEGORICAL.equals(net.loss)
                            || RandomTrainableNets.BINARY.equals(net.loss) ? r.nextDouble() : r.nextGaussian();
                    case "dropout_key" -> i * 7919 + 13;
                    default -> r.nextGaussian();
                };
            }
            inputs.put(in.name(), a);
        }
        return new Data(weights, inputs);
    }

    /**
     * Checks {@link #ENTRIES} sampled entries of every weight gradient against central differences; returns how
     * many entries were checked. Skips the draw when an entry sits on a kink.
     */
    private static int checkFiniteDifferences(Net net, Graph train, Data d, SplittableRandom r) {
        Map<String, NDArray> values = Interpreter.runExact(train, d.weights(), d.inputs());
        Graph loss = lossOnly(train);
        double base = meanLoss(loss, d);
        int checked = 0;
        StringBuilder failures = new StringBuilder();
        for (String key : gradients(train)) {
            NDArray w = d.weights().get(key);
            double[] analytic = values.get("grad/" + key).data();
            Set<Integer> entries = new TreeSet<>();
            while (entries.size() < Math.min(ENTRIES, w.size())) {
                entries.add(r.nextInt(w.size()));
            }
            for (int i : entries) {
                double saved = w.data()[i];
                Comparison c = compare(analytic[i], v -> {
                    w.data()[i] = v;
                    double l = meanLoss(loss, d);
                    w.data()[i] = saved;
                    return l;
                }, saved, base);
                checked++;
                switch (c.verdict()) {
                    case AGREES -> collectError(analytic[i], c.numeric());
                    case AGREES_FINER -> Statistics.label("off at h=1e-5, agrees at h=1e-7").collect(key);
                    case KINK -> Assume.that(false);
                    case DIFFERS -> failures.append(key).append('[').append(i).append("]: ").append(c).append('\n');
                }
            }
        }
        assertTrue(failures.length() == 0, () -> "gradients differ from central differences:\n" + failures + net);
        return checked;
    }

    enum Verdict { AGREES, AGREES_FINER, KINK, DIFFERS }

    /** A verdict with the central differences at h and at the finer step and the one-sided ones at the finer. */
    record Comparison(Verdict verdict, double analytic, double numeric, double fine, double forward,
            double backward) {
        @Override
        public String toString() {
            return String.format("analytic %.12g, numeric %.12g (h=1e-5), %.12g (h=1e-7; one-sided %.6g, %.6g)",
                    analytic, numeric, fine, forward, backward);
        }
    }

    /**
     * Compares an analytic derivative at {@code w} with central differences of {@code loss} (whose value at w is
     * {@code base}): first with {@link #H}; on disagreement again with {@link #H_FINE}, which tells a kink crossed
     * by the wider step (the finer agrees), w on a kink (the finer one-sided differences disagree), and a wrong
     * derivative (neither).
     */
    static Comparison compare(double analytic, java.util.function.DoubleUnaryOperator loss, double w, double base) {
        double numeric = (loss.applyAsDouble(w + H) - loss.applyAsDouble(w - H)) / (2 * H);
        if (close(analytic, numeric)) {
            return new Comparison(Verdict.AGREES, analytic, numeric, Double.NaN, Double.NaN, Double.NaN);
        }
        double plus = loss.applyAsDouble(w + H_FINE);
        double minus = loss.applyAsDouble(w - H_FINE);
        double fine = (plus - minus) / (2 * H_FINE);
        double forward = (plus - base) / H_FINE;
        double backward = (base - minus) / H_FINE;
        Verdict v = close(analytic, fine) ? Verdict.AGREES_FINER
                : Math.abs(forward - backward) > tolerance(fine) ? Verdict.KINK : Verdict.DIFFERS;
        return new Comparison(v, analytic, numeric, fine, forward, backward);
    }

    /** The comparison itself: a kink crossed, a kink sat on, a smooth wrong derivative, a right one. */
    @Example
    void theComparisonTellsKinksFromWrongDerivatives() {
        java.util.function.DoubleUnaryOperator abs = Math::abs;
        assertEquals(Verdict.AGREES, compare(1, abs, 0.5, 0.5).verdict());
        assertEquals(Verdict.AGREES_FINER, compare(1, abs, 3e-6, 3e-6).verdict());
        assertEquals(Verdict.KINK, compare(1, abs, 0, 0).verdict());
        assertEquals(Verdict.DIFFERS, compare(2.1, v -> v * v, 1, 1).verdict());
        assertEquals(Verdict.DIFFERS, compare(1 + 3e-5, v -> v * v / 2, 1, 0.5).verdict());
        assertEquals(Verdict.AGREES, compare(1 + 3e-6, v -> v * v / 2, 1, 0.5).verdict());
    }

    private static double tolerance(double numeric) {
        return TOLERANCE * Math.max(1, Math.abs(numeric));
    }

    private static boolean close(double analytic, double numeric) {
        return Math.abs(analytic - numeric) <= tolerance(numeric);
    }

    private static void collectError(double a, double numeric) {
        double e = Math.abs(a - numeric) / Math.max(1, Math.abs(numeric));
        Statistics.label("scaled error").collect(e < 1e-10 ? "< 1e-10" : e < 1e-9 ? "< 1e-9" : e < 1e-8 ? "< 1e-8"
                : e < 1e-7 ? "< 1e-7" : e < 1e-6 ? "< 1e-6" : "< 1e-5");
    }

    /** The training graph cut down to what the loss depends on (finite differences need nothing else). */
    private static Graph lossOnly(Graph train) {
        Set<String> live = new HashSet<>(List.of("loss"));
        List<Node> kept = new ArrayList<>();
        List<Node> nodes = train.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (live.contains(n.name())) {
                live.addAll(n.inputs());
                kept.add(0, n);
            }
        }
        return new Graph(train.name(), train.inputs(), kept, List.of("loss"), train.span());
    }

    private static double meanLoss(Graph loss, Data d) {
        double[] l = Interpreter.runExact(loss, d.weights(), d.inputs()).get("loss").data();
        double sum = 0;
        for (double v : l) {
            sum += v;
        }
        return sum / l.length;
    }

    /** Layer kinds for the coverage statistics: op names, pooling with its padding, Dense by input rank. */
    private static void collectLayers(Graph shaped) {
        for (Node n : shaped.nodes()) {
            String op = n.op().name();
            String kind = switch (op) {
                case "MaxPooling2D", "AveragePooling2D", "L2Pooling2D" -> op + " " + n.attrs().get("padding");
                case "BatchNormalization" -> n.trainable() ? op : op + " frozen";
                case "Dense" -> op + " on rank " + shaped.shapeOf(n.inputs().get(0)).rank();
                default -> op;
            };
            Statistics.label("layers").collect(kind);
        }
    }

    private static int[] ints(long[] d) {
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (int) d[i];
        }
        return out;
    }
}
