package cnnc.runtime.train;

import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.Tensor;
import cnnc.runtime.io.FileFormatException;
import cnnc.runtime.io.Safetensors;
import cnnc.runtime.io.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything needed to resume training, in one safetensors file: the weights under their own names
 * ({@code conv2d.kernel}), the optimizer state under {@code optimizer/} ({@code optimizer/conv2d.kernel/m},
 * {@code optimizer/iterations}; a slot has its weight's shape), and string metadata:
 *
 * <pre>
 *   format          cnnc-checkpoint
 *   format_version  1
 *   model           the model's name
 *   optimizer       the optimizer's describe(), e.g. adam(learning_rate=0.001, beta_1=0.9, ...)
 *   epoch           epochs completed
 *   step            optimizer steps taken
 *   seed            the run's random seed
 *   best            the best monitored metric so far (NaN when none)
 *   ...             any extra entries the trainer adds
 * </pre>
 *
 * Any safetensors reader can open it; {@code cnnc} reads the weights of one as of any weights file. Writing is atomic
 * ({@link Safetensors#write}): a crash or a full disk leaves the previous checkpoint intact.
 *
 * @param model          the model's name
 * @param optimizer      the optimizer's {@link Optimizer#describe()}
 * @param epoch          epochs completed
 * @param step           optimizer steps taken
 * @param seed           the run's random seed
 * @param best           the best monitored metric so far, NaN when none
 * @param weights        by name, in order; unmodifiable
 * @param optimizerState by {@link Optimizer#state()} name (without the {@code optimizer/} prefix); unmodifiable
 * @param extra          further metadata, not using a reserved key; unmodifiable
 */
public record Checkpoint(String model, String optimizer, int epoch, long step, long seed, double best,
                         Map<String, Tensor> weights, Map<String, Tensor> optimizerState, Map<String, String> extra) {
    /** The value of the {@code format} metadata entry. */
    public static final String FORMAT = "cnnc-checkpoint";
    /** The version this code writes and the newest it reads. */
    public static final int VERSION = 1;
    /** Prefix of the optimizer state tensors. */
    public static final String OPTIMIZER_PREFIX = "optimizer/";

    private static final List<String> RESERVED = List.of("format", "format_version", "model", "optimizer", "epoch",
            "step", "seed", "best");

    public Checkpoint {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("a checkpoint needs the model's name");
        }
        if (epoch < 0 || step < 0) {
            throw new IllegalArgumentException("a checkpoint's epoch and step count from 0, not " + epoch + " and "
                    + step);
        }
        for (String name : weights.keySet()) {
            if (name.startsWith(OPTIMIZER_PREFIX)) {
                throw new IllegalArgumentException("a weight may not be named `" + name + "`: the prefix `"
                        + OPTIMIZER_PREFIX + "` is for the optimizer state");
            }
        }
        for (String key : extra.keySet()) {
            if (RESERVED.contains(key)) {
                throw new IllegalArgumentException("the metadata entry `" + key + "` is reserved for the checkpoint "
                        + "itself");
            }
        }
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        optimizerState = Collections.unmodifiableMap(new LinkedHashMap<>(optimizerState));
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /**
     * A checkpoint of the current state of training: the optimizer's description, state and step count.
     *
     * @param weights the model's weights by name; copied, so training may go on changing its arrays
     */
    public static Checkpoint of(String model, Map<String, Tensor> weights, Optimizer optimizer, int epoch, long seed,
                                double best) {
        Map<String, Tensor> copies = new LinkedHashMap<>();
        weights.forEach((name, t) -> copies.put(name, new Tensor(t.shape(), t.data().clone())));
        return new Checkpoint(model, optimizer.describe(), epoch, optimizer.iterations(), seed, best, copies,
                optimizer.state(), Map.of());
    }

    /** This checkpoint with another best metric. */
    public Checkpoint withBest(double newBest) {
        return new Checkpoint(model, optimizer, epoch, step, seed, newBest, weights, optimizerState, extra);
    }

    /** This checkpoint with more metadata (replacing entries of the same key). */
    public Checkpoint withExtra(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(extra);
        all.putAll(more);
        return new Checkpoint(model, optimizer, epoch, step, seed, best, weights, optimizerState, all);
    }

    /** The optimizer's kind: the name before the arguments in {@link #optimizer()}. */
    public String optimizerName() {
        int paren = optimizer.indexOf('(');
        return (paren < 0 ? optimizer : optimizer.substring(0, paren)).strip();
    }

    /** Writes the checkpoint to {@code file}, atomically. */
    public void save(Path file) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>(weights);
        for (Map.Entry<String, Tensor> e : optimizerState.entrySet()) {
            Tensor t = e.getValue();
            int slash = e.getKey().lastIndexOf('/');
            Tensor weight = slash < 0 ? null : weights.get(e.getKey().substring(0, slash));
            if (weight != null && weight.size() == t.size()) {
                t = t.reshape(weight.shape());
            }
            tensors.put(OPTIMIZER_PREFIX + e.getKey(), t);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("format_version", Integer.toString(VERSION));
        metadata.put("model", model);
        metadata.put("optimizer", optimizer);
        metadata.put("epoch", Integer.toString(epoch));
        metadata.put("step", Long.toString(step));
        metadata.put("seed", Long.toString(seed));
        metadata.put("best", Double.toString(best));
        metadata.putAll(extra);
        Safetensors.write(file, tensors, metadata);
    }

    /**
     * Reads a checkpoint without checking what it is a checkpoint of.
     *
     * @throws FileFormatException when the file is not a safetensors file or not a cnnc checkpoint
     */
    public static Checkpoint read(Path file) throws IOException {
        SafetensorsFile contents = Safetensors.read(file);
        Map<String, String> metadata = contents.metadata();
        if (!FORMAT.equals(metadata.get("format"))) {
            throw new FileFormatException(file, "not a cnnc checkpoint: its metadata has no \"format\": \"" + FORMAT
                    + "\" entry (" + (contents.tensors().isEmpty() ? "and it holds no tensors" : "a weights file? it "
                    + "holds " + contents.tensors().size() + " tensors but no training state") + ")");
        }
        long version = whole(file, metadata, "format_version", 1, Integer.MAX_VALUE);
        if (version > VERSION) {
            throw new FileFormatException(file, "the checkpoint has format version " + version + ", from a newer "
                    + "cnnc; this one reads version " + VERSION);
        }
        String model = text(file, metadata, "model");
        String optimizer = text(file, metadata, "optimizer");
        int epoch = (int) whole(file, metadata, "epoch", 0, Integer.MAX_VALUE);
        long step = whole(file, metadata, "step", 0, Long.MAX_VALUE);
        long seed = whole(file, metadata, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        double best;
        try {
            best = Double.parseDouble(text(file, metadata, "best"));
        } catch (NumberFormatException e) {
            throw new FileFormatException(file, "the checkpoint's \"best\" must be a number, not \""
                    + metadata.get("best") + "\"");
        }
        Map<String, Tensor> weights = new LinkedHashMap<>();
        Map<String, Tensor> state = new LinkedHashMap<>();
        contents.tensors().forEach((name, t) -> {
            if (name.startsWith(OPTIMIZER_PREFIX)) {
                state.put(name.substring(OPTIMIZER_PREFIX.length()), t);
            } else {
                weights.put(name, t);
            }
        });
        Map<String, String> extra = new LinkedHashMap<>(metadata);
        extra.keySet().removeAll(RESERVED);
        return new Checkpoint(model, optimizer, epoch, step, seed, best, weights, state, extra);
    }

    /**
     * Reads a checkpoint to resume training {@code model} with {@code optimizer}, checks that it fits, and loads its
     * optimizer state into {@code optimizer}. The optimizer's settings may differ (a new learning rate, say) but not
     * its kind or the slots it keeps.
     *
     * @param shapes the model's weight shapes by name, or null to leave the weights unchecked
     * @throws FileFormatException when the file is not a checkpoint, or one of another model (by name or by weights)
     *         or of another kind of optimizer; the optimizer is then unchanged
     */
    public static Checkpoint load(Path file, String model, Map<String, long[]> shapes, Optimizer optimizer)
            throws IOException {
        Checkpoint c = read(file);
        if (!c.model.equals(model)) {
            throw new FileFormatException(file, "this is a checkpoint of the model `" + c.model + "`, not of `" + model
                    + "`; resume from a checkpoint of `" + model + "`, or train from the start");
        }
        if (shapes != null) {
            checkWeights(file, c.weights, shapes);
        }
        if (!c.optimizerName().equals(optimizer.name())) {
            throw new FileFormatException(file, "the checkpoint was saved while training with " + c.optimizer
                    + ", but this run uses " + optimizer.describe() + "; optimizer state does not carry over to another"
                    + " kind of optimizer: resume with " + c.optimizerName() + ", or train from the start");
        }
        for (String name : c.optimizerState.keySet()) {
            int slash = name.lastIndexOf('/');
            if (slash > 0 && !c.weights.containsKey(name.substring(0, slash))) {
                throw new FileFormatException(file, "the optimizer state `" + name + "` belongs to no weight in the "
                        + "checkpoint");
            }
        }
        try {
            optimizer.load(c.optimizerState);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, "the optimizer state does not fit " + optimizer.describe() + ": "
                    + e.getMessage());
        }
        return c;
    }

    private static void checkWeights(Path file, Map<String, Tensor> saved, Map<String, long[]> shapes)
            throws FileFormatException {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            Tensor t = saved.get(e.getKey());
            if (t == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new FileFormatException(file, "the weight `" + e.getKey() + "` has shape " + t.shapeText()
                        + " in the checkpoint but " + Shape.of(e.getValue()) + " in the model: a checkpoint of "
                        + "another version of the model?");
            }
        }
        if (!missing.isEmpty()) {
            throw new FileFormatException(file, "the checkpoint lacks the weight" + (missing.size() == 1 ? " " : "s ")
                    + names(missing) + " of the model: a checkpoint of another version of the model?");
        }
        Set<String> extra = new LinkedHashSet<>(saved.keySet());
        extra.removeAll(shapes.keySet());
        if (!extra.isEmpty()) {
            throw new FileFormatException(file, "the checkpoint has the weight" + (extra.size() == 1 ? " " : "s ")
                    + names(new ArrayList<>(extra)) + ", which the model lacks: a checkpoint of another version of "
                    + "the model?");
        }
    }

    private static String names(List<String> names) {
        List<String> shown = names.size() > 5 ? names.subList(0, 5) : names;
        return "`" + String.join("`, `", shown) + "`" + (names.size() > 5 ? " and " + (names.size() - 5) + " more"
                : "");
    }

    private static String text(Path file, Map<String, String> metadata, String key) throws FileFormatException {
        String value = metadata.get(key);
        if (value == null) {
            throw new FileFormatException(file, "the checkpoint's metadata lacks \"" + key + "\"");
        }
        return value;
    }

    private static long whole(Path file, Map<String, String> metadata, String key, long min, long max)
            throws FileFormatException {
        String value = text(file, metadata, key);
        try {
            long n = Long.parseLong(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new FileFormatException(file, "the checkpoint's \"" + key + "\" must be a whole number"
                + (min == 0 ? " >= 0" : min == 1 ? " >= 1" : "") + ", not \"" + value + "\"");
    }
}
