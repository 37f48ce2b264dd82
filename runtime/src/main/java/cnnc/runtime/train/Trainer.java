package cnnc.runtime.train;

import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.passes.Grad;
import cnnc.runtime.data.Batch;
import cnnc.runtime.data.BatchOptions;
import cnnc.runtime.data.Batches;
import cnnc.runtime.data.Dataset;
import cnnc.runtime.exec.Executable;
import cnnc.runtime.java.CompiledModel;
import cnnc.runtime.opencl.ClExecutable;
import cnnc.runtime.opencl.ClUpdates;
import cnnc.runtime.java.InMemoryJavac;
import cnnc.runtime.java.JavaBackend;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mini-batch training, as Keras' {@code fit}: each step runs the generated training step (forward, loss, backward)
 * on a batch, hands the gradients to the optimizer, and moves each BatchNormalization's moving statistics toward the
 * batch moments (moving = momentum·moving + (1-momentum)·batch, with the biased batch variance); after each epoch
 * the validation data, if any, is evaluated with the inference model.
 *
 * <p>With several threads, a model without trainable BatchNormalization splits each batch across replicas of the
 * training step (data parallelism): the gradient of the mean loss is the examples-weighted mean of the replicas'
 * gradients, so the step is the same up to float rounding. Models with trainable BatchNormalization run whole
 * batches on one thread, so that batch statistics are those of the whole batch (as Keras).
 *
 * <p>Call order: {@link #Trainer}, then {@link #epoch} once per epoch, then {@link #weights()}.
 */
public final class Trainer {
    /** What one epoch measured. */
    public record EpochResult(int epoch, double loss, double accuracy, Evaluation validation, double seconds,
            double imagesPerSecond, long steps) {}

    /** Receives progress while an epoch runs. */
    public interface Listener {
        void step(int epoch, int batch, int batches, double loss, double accuracy, double imagesPerSecond,
                double seconds);
    }

    /** A loss that is no longer a number: training stops, naming the step. */
    public static final class DivergedException extends Exception {
        private static final long serialVersionUID = 1L;

        DivergedException(String message) {
            super(message, null, false, false);
        }
    }

    private final Graph model;
    private final Graph train;
    private final String loss;
    private final Optimizer optimizer;
    private final CompiledModel step;
    private final Map<String, float[]> weights = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final String input;
    private final boolean sparse;
    private final boolean keyed;
    private final long seed;
    private long steps;

    /**
     * @param model   the shaped inference graph (one input)
     * @param loss    a Keras loss name, or null for the default of the autodiff pass
     * @param initial weights keyed {@code <layer>.<weight>} (copied)
     */
    public Trainer(Graph model, String loss, Map<String, Tensor> initial, Optimizer optimizer, long seed)
            throws InMemoryJavac.NoCompilerException {
        this(model, loss, initial, optimizer, seed, 1);
    }

    /** @param threads replicas of the training step a batch is split across (1 for models that train BN) */
    public Trainer(Graph model, String loss, Map<String, Tensor> initial, Optimizer optimizer, long seed, int threads)
            throws InMemoryJavac.NoCompilerException {
        this(model, loss, initial, optimizer, seed, threads, false, null);
    }

    /**
     * @param openCl run the training step as OpenCL kernels on the device {@code device} names (see
     *               {@code OpenCl.select}; null: the default), instead of as generated Java; the optimizer runs on the
     *               host and the new weights are uploaded once per step
     */
    public Trainer(Graph model, String loss, Map<String, Tensor> initial, Optimizer optimizer, long seed, int threads,
            boolean openCl, String device) throws InMemoryJavac.NoCompilerException {
        if (model.inputs().size() != 1) {
            throw new IllegalArgumentException("training takes models with one input; " + model.name() + " has "
                    + model.inputs().size());
        }
        Diagnostics diags = new Diagnostics();
        this.train = new Grad(loss).run(model, diags);
        if (train == null) {
            throw new IllegalArgumentException(diags.all().get(0).message());
        }
        this.model = model;
        this.loss = train.node("loss").attrs().has("kind") ? train.node("loss").attrs().getString("kind")
                : train.node("loss").attrs().getBool("sparse") ? "sparse_categorical_crossentropy"
                : "categorical_crossentropy";
        this.optimizer = optimizer;
        this.seed = seed;
        this.input = model.inputs().get(0).name();
        this.sparse = train.input("target").shape().rank() == 0;
        this.keyed = train.input("dropout_key") != null;
        initial.forEach((k, v) -> {
            weights.put(k, v.data().clone());
            shapes.put(k, v.shape());
        });
        this.openClDevice = device;
        this.clStep = openCl ? ClExecutable.compileTraining(train, tensors(), device) : null;
        this.step = openCl ? null : JavaBackend.compileTraining(train, tensors(), JavaBackend.vectorLanes());
        this.readBack = new boolean[train.outputs().size()];
        if (clStep != null && optimizer instanceof SlotOptimizer so) {
            deviceUpdates = new ClUpdates(clStep, so.deviceSource());
            for (int o = 0; o < train.outputs().size(); o++) {
                String name = train.outputs().get(o);
                String key = name.startsWith("grad/") ? name.substring("grad/".length()) : null;
                readBack[o] = key == null || !deviceUpdates.bind(key, name, so.slotsOf(key, weights.get(key).length),
                        weights.get(key).length);
            }
        } else {
            java.util.Arrays.fill(readBack, true);
        }
        boolean batchStatistics = train.outputs().stream().anyMatch(o -> o.endsWith("/moments"));
        int count = openCl || batchStatistics ? 1 : Math.max(1, threads);
        this.replicas = new CompiledModel[count];
        replicas[0] = step;
        for (int r = 1; r < count && step != null; r++) {
            replicas[r] = step.sharingReplica(orderedWeights(), 1);
        }
        this.pool = count > 1 ? java.util.concurrent.Executors.newFixedThreadPool(count - 1, task -> {
            Thread t = new Thread(task, "cnnc-train");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    private final CompiledModel[] replicas;
    private final ClExecutable clStep;
    private final String openClDevice;
    /** With OpenCL: the optimizer's updates on the device, and which outputs come back to the host each step. */
    private ClUpdates deviceUpdates;
    private final boolean[] readBack;
    /** The device's weights and optimizer state are newer than the host's. */
    private boolean deviceAhead;

    /** Copies the weights and optimizer state the device updated back to the host, for checkpoints and saving. */
    private void syncFromDevice() {
        if (deviceAhead) {
            clStep.readWeights(weights);
            deviceUpdates.readSlots();
            deviceAhead = false;
        }
    }

    /** The training step, whichever backend runs it. */
    private Executable step() {
        return clStep != null ? clStep : step;
    }
    private final java.util.concurrent.ExecutorService pool;
    private float[][][] replicaIn;
    private float[][][] replicaOut;

    private float[][] orderedWeights() {
        List<String> order = step.model().weightNames();
        float[][] w = new float[order.size()][];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights.get(order.get(i));
        }
        return w;
    }

    /**
     * Runs the training step on a batch of n, split across the replicas when there are several: each runs a slice;
     * batched outputs are gathered in place, weight gradients combined as Σ (n_i/n)·g_i.
     */
    private void runStep(float[][] in, float[][] out, int n, int batchCapacity) {
        int r = replicas.length;
        if (r == 1 || n < 2 * r) {
            step().run(in, out, n);
            return;
        }
        List<Boolean> batched = step.outputBatched();
        int[] sizesIn = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            sizesIn[i] = in[i].length / Math.max(1, batchCapacity);
        }
        if (replicaIn == null) {
            int slice = (batchCapacity + r - 1) / r;
            replicaIn = new float[r][in.length][];
            replicaOut = new float[r][out.length][];
            for (int k = 0; k < r; k++) {
                for (int i = 0; i < in.length; i++) {
                    replicaIn[k][i] = new float[sizesIn[i] * slice];
                }
                for (int o = 0; o < out.length; o++) {
                    replicaOut[k][o] = new float[batched.get(o) ? out[o].length / batchCapacity * slice : out[o].length];
                }
            }
        }
        List<java.util.concurrent.Future<?>> pending = new ArrayList<>();
        for (int k = 0; k < r; k++) {
            int b0 = n * k / r;
            int b1 = n * (k + 1) / r;
            for (int i = 0; i < in.length; i++) {
                System.arraycopy(in[i], b0 * sizesIn[i], replicaIn[k][i], 0, (b1 - b0) * sizesIn[i]);
            }
            final int kk = k;
            if (k == 0) {
                continue;
            }
            pending.add(pool.submit(() -> replicas[kk].run(replicaIn[kk], replicaOut[kk], b1 - b0)));
        }
        replicas[0].run(replicaIn[0], replicaOut[0], n / r);
        for (java.util.concurrent.Future<?> f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
        }
        for (int o = 0; o < out.length; o++) {
            if (batched.get(o)) {
                int per = out[o].length / batchCapacity;
                for (int k = 0; k < r; k++) {
                    int b0 = n * k / r;
                    int b1 = n * (k + 1) / r;
                    System.arraycopy(replicaOut[k][o], 0, out[o], b0 * per, (b1 - b0) * per);
                }
            } else {
                float[] sum = out[o];
                float[] shares = new float[r];
                for (int k = 0; k < r; k++) {
                    shares[k] = (float) ((double) (n * (k + 1) / r - n * k / r) / n);
                }
                int parts = sum.length < (1 << 16) ? 1 : 8;
                final int oo = o;
                java.util.stream.IntStream.range(0, parts).parallel().forEach(p -> {
                    int from = (int) ((long) sum.length * p / parts);
                    int to = (int) ((long) sum.length * (p + 1) / parts);
                    java.util.Arrays.fill(sum, from, to, 0f);
                    for (int k = 0; k < r; k++) {
                        float share = shares[k];
                        float[] g = replicaOut[k][oo];
                        for (int i = from; i < to; i++) {
                            sum[i] += share * g[i];
                        }
                    }
                });
            }
        }
    }

    public String loss() {
        return loss;
    }

    public long steps() {
        return steps;
    }

    /** Continues the step count of a resumed run (dropout masks depend on it). */
    public void resumeAt(long step) {
        this.steps = step;
    }

    /** The current weights (copies). */
    public Map<String, Tensor> weights() {
        syncFromDevice();
        return tensors();
    }

    private Map<String, Tensor> tensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        weights.forEach((k, v) -> out.put(k, new Tensor(shapes.get(k), v.clone())));
        return out;
    }

    /** Runs one epoch over {@code data}; {@code maxSteps} ≤ 0 means all batches. */
    public EpochResult epoch(int epoch, Dataset data, BatchOptions options, long maxSteps, Dataset validation,
            Listener listener) throws IOException, DivergedException, InMemoryJavac.NoCompilerException {
        if (options.batchSize() > data.size()) {
            options = new BatchOptions(Math.max(1, data.size()), options.shuffle(), options.seed(), options.prefetch());
        }
        optimizer.startEpoch(epoch);
        long start = System.nanoTime();
        int classes = (int) model.shapeOf(model.outputs().get(0)).dim(-1);
        float[][] in = new float[train.inputs().size()][];
        List<String> names = train.inputs().stream().map(i -> i.name()).toList();
        float[][] out = new float[train.outputs().size()][];
        for (int o = 0; o < out.length; o++) {
            long size = 1;
            for (long d : step().outputShapes().get(o)) {
                size *= d;
            }
            out[o] = new float[(int) (step().outputBatched().get(o) ? size * options.batchSize() : size)];
        }
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        int batches = 0;
        float[] targetBuffer = new float[sparse ? options.batchSize() : options.batchSize() * classes];
        float[] keyBuffer = new float[options.batchSize()];
        try (Batches it = Batches.open(data, options, epoch)) {
            int total = maxSteps > 0 ? (int) Math.min(maxSteps, it.batchCount()) : it.batchCount();
            while (it.hasNext() && batches < total) {
                Batch b = it.next();
                int n = b.size();
                in[names.indexOf(input)] = b.images();
                float[] target = targetBuffer;
                for (int i = 0; i < n; i++) {
                    if (sparse || classes == 1) {
                        // A class number, or a binary classifier's 0/1 target for its one output.
                        target[i] = b.labels()[i];
                    } else {
                        System.arraycopy(b.targets(), i * classes, target, i * classes, classes);
                    }
                }
                in[names.indexOf("target")] = target;
                if (keyed) {
                    float[] keys = keyBuffer;
                    for (int i = 0; i < n; i++) {
                        keys[i] = (float) ((seed * 31 + steps * options.batchSize() + i) % (1 << 24));
                    }
                    in[names.indexOf("dropout_key")] = keys;
                }
                if (clStep != null) {
                    clStep.run(in, out, n, readBack);
                } else {
                    runStep(in, out, n, options.batchSize());
                }
                double batchLoss = 0;
                float[] perExample = out[train.outputs().indexOf("loss")];
                for (int i = 0; i < n; i++) {
                    batchLoss += perExample[i];
                }
                batchLoss /= n;
                if (!Double.isFinite(batchLoss)) {
                    throw new DivergedException("the loss became " + batchLoss + " at epoch " + (epoch + 1)
                            + ", step " + (batches + 1) + " (step " + (steps + 1) + " overall); lower the learning"
                            + " rate or check the data");
                }
                float[] predictions = out[train.outputs().indexOf(model.outputs().get(0))];
                for (int i = 0; i < n; i++) {
                    if (Metrics.correct(loss, predictions, i, classes, b.labels()[i], b.targets())) {
                        correct++;
                    }
                }
                lossSum += batchLoss * n;
                seen += n;
                update(out);
                steps++;
                batches++;
                if (listener != null) {
                    double secs = (System.nanoTime() - start) / 1e9;
                    listener.step(epoch, batches, total, lossSum / seen, (double) correct / seen, seen / secs, secs);
                }
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        syncFromDevice();
        Evaluation val = validation == null ? null : clStep != null ? evaluateOnDevice(validation, options.batchSize())
                : Evaluation.of(model, weights(), validation, options.batchSize(), loss);
        return new EpochResult(epoch, lossSum / Math.max(1, seen), (double) correct / Math.max(1, seen), val, secs,
                seen / secs, batches);
    }

    /** Validation with the inference model compiled for the same OpenCL device. */
    private Evaluation evaluateOnDevice(Dataset validation, int batchSize) throws IOException {
        try (ClExecutable m = ClExecutable.compile(model, weights(), openClDevice, false)) {
            return Evaluation.of(model, m, validation, batchSize, loss);
        }
    }

    /** The optimizer step, the moving statistics, and the new weights into the training step. */
    private void update(float[][] out) {
        Map<String, float[]> grads = new LinkedHashMap<>();
        for (int o = 0; o < train.outputs().size(); o++) {
            String name = train.outputs().get(o);
            if (name.startsWith("grad/")) {
                grads.put(name.substring("grad/".length()), out[o]);
            }
        }
        if (deviceUpdates != null) {
            SlotOptimizer so = (SlotOptimizer) optimizer;
            SlotOptimizer.DeviceStep ds = so.deviceStep(so.learningRate(), so.iterations() + 1);
            deviceUpdates.step(ds.kernel(), ds.scalars());
            so.advance();
            deviceAhead = true;
        } else {
            optimizer.step(weights, grads);
        }
        for (int o = 0; o < train.outputs().size(); o++) {
            String name = train.outputs().get(o);
            if (!name.endsWith("/moments")) {
                continue;
            }
            String layer = name.substring(0, name.length() - "/moments".length());
            Node bn = model.node(layer);
            double momentum = bn.attrs().getDouble("momentum");
            float[] mean = weights.get(layer + ".moving_mean");
            float[] var = weights.get(layer + ".moving_variance");
            float[] m = out[o];
            for (int c = 0; c < mean.length; c++) {
                mean[c] = (float) (momentum * mean[c] + (1 - momentum) * m[c]);
                var[c] = (float) (momentum * var[c] + (1 - momentum) * m[mean.length + c]);
            }
        }
        if (deviceUpdates != null) {
            return;
        }
        if (clStep != null) {
            Map<String, Tensor> live = new LinkedHashMap<>();
            weights.forEach((k, v) -> live.put(k, new Tensor(shapes.get(k), v)));
            clStep.setWeights(live);
        } else {
            step.setWeights(orderedWeights());
        }
    }
}
