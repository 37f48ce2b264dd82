package cnnc.cli;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.lower.TrainingSettings;
import cnnc.compiler.passes.Pipeline;
import cnnc.runtime.data.BatchOptions;
import cnnc.runtime.data.Dataset;
import cnnc.runtime.data.Split;
import cnnc.runtime.io.AtomicFiles;
import cnnc.runtime.io.Safetensors;
import cnnc.runtime.java.InMemoryJavac;
import cnnc.runtime.model.Initializers;
import cnnc.runtime.train.Checkpoint;
import cnnc.runtime.train.CheckpointDir;
import cnnc.runtime.train.EarlyStopping;
import cnnc.runtime.train.MonitorMode;
import cnnc.runtime.train.Optimizer;
import cnnc.runtime.train.Optimizers;
import cnnc.runtime.train.Trainer;
import cnnc.runtime.train.TrainingPlot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cnnc train MODEL.cnn --data SPEC [--weights INIT] [--epochs E | --steps S] [--batch-size B]
 * [--optimizer SPEC] [--loss NAME] [--seed N] [--no-shuffle] [--validation-split F] [--save OUT] [--log CSV]
 * [--checkpoint-dir DIR] [--resume] [--early-stopping PATIENCE]}: Keras' fit, with the training step compiled from
 * the model's autodiff graph; the model's {@code train} block gives defaults that flags override.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model (Keras' fit).")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--data", required = true, paramLabel = "SPEC",
            description = "fashion-mnist, mnist, a folder (IDX files or one sub-folder per class) or x.npy,y.npy.")
    String data;

    @Option(names = "--weights", paramLabel = "INIT.safetensors", description = "Initial weights (default: cnnc init).")
    Path weights;

    @Option(names = "--epochs", paramLabel = "E", description = "Passes over the data (default: 1).")
    Integer epochs;

    @Option(names = "--steps", paramLabel = "S", description = "Train this many batches only (instead of --epochs).")
    Long steps;

    @Option(names = "--batch-size", paramLabel = "B", description = "Batch size (default: the model's train block,"
            + " else 32).")
    Integer batchSize;

    @Option(names = "--optimizer", paramLabel = "SPEC",
            description = "Keras optimizer, e.g. 'adam(learning_rate=0.001)' or 'sgd(momentum=0.9)' (default: the"
                    + " model's train block, else adam).")
    String optimizer;

    @Option(names = "--loss", paramLabel = "NAME", description = "Keras loss (default: sparse_categorical_crossentropy"
            + " after a softmax, else mean_squared_error).")
    String loss;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of shuffling, dropout and"
            + " initial weights (default: 0).")
    long seed;

    @Option(names = "--no-shuffle", description = "Keep the data's order.")
    boolean noShuffle;

    @Option(names = "--validation-split", paramLabel = "F",
            description = "Fraction of the training data held out for validation (default: the train block, else 0).")
    Double validationSplit;

    @Option(names = "--save", paramLabel = "OUT.safetensors", description = "Where to write the trained weights.")
    Path save;

    @Option(names = "--log", paramLabel = "FILE.csv", description = "Per-epoch metrics as CSV, with the training"
            + " curve (loss and accuracy per epoch) as FILE.png next to it.")
    Path log;

    @Option(names = "--threads", paramLabel = "T", description = "Replicas a batch is split across (default: all"
            + " processors; 1 for models with trainable BatchNormalization, which need whole-batch statistics).")
    Integer threads;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "java",
            description = "Where the training step runs: ${COMPLETION-CANDIDATES} (default: java).")
    BackendOptions.Backend backend;

    @Option(names = "--device", paramLabel = "N|NAME", description = "OpenCL device: its number in cnnc devices, or"
            + " text in its name or platform (default: the first GPU, else the first device).")
    String device;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Write DIR/last.safetensors (weights and"
            + " optimizer state) after every epoch and DIR/best.safetensors when the monitored loss (val_loss with"
            + " validation data, else loss) improves.")
    Path checkpointDir;

    @Option(names = "--resume", description = "Continue from --checkpoint-dir's last.safetensors.")
    boolean resume;

    @Option(names = "--early-stopping", paramLabel = "PATIENCE",
            description = "Stop when the monitored loss has not improved for PATIENCE epochs (Keras EarlyStopping).")
    Integer patience;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (batchSize != null && batchSize < 1) {
            throw new UserError("cnnc: error: --batch-size must be at least 1", Main.EXIT_USAGE);
        }
        if (epochs != null && steps != null) {
            throw new UserError("cnnc: error: give --epochs or --steps, not both", Main.EXIT_USAGE);
        }
        if ((epochs != null && epochs < 1) || (steps != null && steps < 1)) {
            throw new UserError("cnnc: error: --epochs and --steps must be at least 1", Main.EXIT_USAGE);
        }
        if (loss != null && !cnnc.compiler.passes.Grad.LOSSES.contains(loss)) {
            throw new UserError("cnnc: error: unknown loss " + loss + cnnc.compiler.diag.Suggestions.didYouMean(loss,
                    cnnc.compiler.passes.Grad.LOSSES) + "; known: " + String.join(", ", cnnc.compiler.passes.Grad.LOSSES),
                    Main.EXIT_USAGE);
        }
        if (device != null && backend != BackendOptions.Backend.opencl) {
            throw new UserError("cnnc: error: --device picks an OpenCL device; add --backend opencl", Main.EXIT_USAGE);
        }
        if (threads != null && threads < 1) {
            throw new UserError("cnnc: error: --threads must be at least 1", Main.EXIT_USAGE);
        }
        if (resume && checkpointDir == null) {
            throw new UserError("cnnc: error: --resume needs --checkpoint-dir", Main.EXIT_USAGE);
        }
        if (patience != null && patience < 0) {
            throw new UserError("cnnc: error: --early-stopping needs a patience of 0 or more epochs", Main.EXIT_USAGE);
        }
        if (validationSplit != null && !(validationSplit >= 0 && validationSplit < 1)) {
            throw new UserError("cnnc: error: --validation-split must be in [0, 1)", Main.EXIT_USAGE);
        }
        Optimizer opt = null;
        if (optimizer != null) {
            try {
                opt = Optimizers.parse(optimizer);
            } catch (IllegalArgumentException e) {
                throw new UserError("cnnc: error: --optimizer: " + e.getMessage(), Main.EXIT_USAGE);
            }
        }
        cnnc.compiler.Compiler.Result compiled = model.compile(Pipeline.analysis(), null, err);
        Graph g = compiled.graph();
        TrainingSettings block = compiled.training() != null ? compiled.training()
                : new TrainingSettings(null, null, null, null, null, null, java.util.List.of(), null);
        if (opt == null) {
            try {
                opt = Optimizers.parse(block.optimizer() != null ? block.optimizer() : "adam");
            } catch (IllegalArgumentException e) {
                throw new UserError(cnnc.compiler.diag.Diagnostic.error(block.optimizerSpan(), e.getMessage()).render()
                        + "\n1 error", Main.EXIT_INVALID);
            }
        }
        String loss = this.loss != null ? this.loss : block.loss();
        int batchSize = this.batchSize != null ? this.batchSize : block.batchSize() != null ? block.batchSize() : 32;
        Integer epochs = this.epochs != null ? this.epochs : this.steps == null ? block.epochs() : null;
        double validationSplit = this.validationSplit != null ? this.validationSplit
                : block.validationSplit() != null ? block.validationSplit() : 0;
        Map<String, Tensor> w = weights != null ? Loaded.weights(g, weights, err) : Initializers.keras(g, seed);
        Split split = DataOptions.load(data, g);
        Dataset trainData = split.train();
        Dataset validation = null;
        if (validationSplit > 0) {
            try {
                Split held = trainData.validationSplit(validationSplit, seed);
                trainData = held.train();
                validation = held.test().orElse(null);
            } catch (IOException e) {
                throw new UserError("cnnc: error: " + e.getMessage(), Main.EXIT_INVALID);
            }
        }
        String monitor = validation != null ? "val_loss" : "loss";
        CheckpointDir checkpoints = checkpointDir == null ? null
                : new CheckpointDir(checkpointDir, monitor, MonitorMode.MIN);
        EarlyStopping stopping = patience == null ? null : new EarlyStopping(patience, 0, MonitorMode.MIN);
        int firstEpoch = 0;
        long firstStep = 0;
        StringBuilder csv = new StringBuilder("epoch,loss,accuracy,val_loss,val_accuracy,seconds,images_per_s\n");
        if (resume) {
            Path last = checkpoints.last();
            Map<String, long[]> shapes = new java.util.LinkedHashMap<>();
            w.forEach((k, v) -> shapes.put(k, v.shape()));
            try {
                Checkpoint c = Checkpoint.load(last, g.name(), shapes, opt);
                w = c.weights();
                firstEpoch = c.epoch();
                firstStep = c.step();
                checkpoints = new CheckpointDir(checkpointDir, monitor, MonitorMode.MIN, c.best());
                if (stopping != null && c.extra().containsKey("early_stopping_wait")) {
                    stopping.restore(c.best(), Integer.parseInt(c.extra().get("early_stopping_best_epoch")),
                            Integer.parseInt(c.extra().get("early_stopping_wait")));
                }
                if (log != null && java.nio.file.Files.exists(log)) {
                    csv = new StringBuilder(java.nio.file.Files.readString(log));
                }
            } catch (IOException | RuntimeException e) {
                throw new UserError("cnnc: error: cannot resume: " + e.getMessage(), Main.EXIT_INVALID);
            }
            out.printf("resuming from %s after epoch %d (step %d)%n", last, firstEpoch, firstStep);
        }
        Trainer trainer;
        try {
            trainer = new Trainer(g, loss, w, opt, seed,
                    threads != null ? threads : Runtime.getRuntime().availableProcessors(),
                    backend == BackendOptions.Backend.opencl, device);
            trainer.resumeAt(firstStep);
        } catch (IllegalArgumentException e) {
            throw new UserError("cnnc: error: " + e.getMessage(), Main.EXIT_INVALID);
        } catch (InMemoryJavac.NoCompilerException e) {
            throw new UserError("cnnc: error: " + e.getMessage(), Main.EXIT_INVALID);
        }
        // A batch larger than the data is one batch of all of it, as in Keras.
        batchSize = Math.min(batchSize, trainData.size());
        BatchOptions options = noShuffle ? BatchOptions.inOrder(batchSize) : BatchOptions.shuffled(batchSize, seed);
        int epochCount = steps != null ? Integer.MAX_VALUE : epochs == null ? 1 : epochs;
        long remaining = steps == null ? 0 : steps;
        Progress progress = new Progress(out, System.console() != null);
        out.printf("training %s on %,d examples, loss %s, optimizer %s, batch %d%n", g.name(), trainData.size(),
                trainer.loss(), opt.describe(), batchSize);
        for (int e = firstEpoch; e < epochCount; e++) {
            Trainer.EpochResult r;
            try {
                r = trainer.epoch(e, trainData, options, remaining, validation, progress);
            } catch (Trainer.DivergedException ex) {
                throw new UserError("cnnc: error: " + ex.getMessage(), Main.EXIT_INVALID);
            } catch (IOException ex) {
                throw new UserError("cnnc: error: " + ex.getMessage(), Main.EXIT_INVALID);
            } catch (InMemoryJavac.NoCompilerException ex) {
                throw new UserError("cnnc: error: " + ex.getMessage(), Main.EXIT_INVALID);
            }
            progress.end(r);
            csv.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%s,%s,%.3f,%.1f%n", e + 1, r.loss(), r.accuracy(),
                    r.validation() == null ? "" : String.format(Locale.ROOT, "%.6f", r.validation().loss()),
                    r.validation() == null ? "" : String.format(Locale.ROOT, "%.6f", r.validation().accuracy()),
                    r.seconds(), r.imagesPerSecond()));
            write(log, csv.toString());
            if (log != null) {
                Path png = plotPath(log);
                try {
                    TrainingPlot.write(png, TrainingPlot.parseCsv(log, csv.toString()));
                } catch (IOException ex) {
                    throw Loaded.ioError(png, ex);
                }
            }
            double monitored = r.validation() != null ? r.validation().loss() : r.loss();
            boolean stop = stopping != null && stopping.update(e, monitored);
            if (checkpoints != null) {
                try {
                    Checkpoint c = Checkpoint.of(g.name(), trainer.weights(), opt, e + 1, seed,
                            checkpoints.bestValue());
                    if (stopping != null) {
                        c = c.withExtra(new java.util.TreeMap<>(Map.of("early_stopping_wait", Integer.toString(stopping.waited()),
                                "early_stopping_best_epoch", Integer.toString(stopping.bestEpoch()))));
                    }
                    checkpoints.save(c, monitored);
                } catch (IOException ex) {
                    throw Loaded.ioError(checkpointDir, ex);
                }
            }
            if (stop) {
                out.printf("early stopping: %s has not improved for %d epochs%n", monitor, patience);
                break;
            }
            if (steps != null) {
                remaining -= r.steps();
                if (remaining <= 0) {
                    break;
                }
            }
        }
        if (save != null) {
            try {
                Safetensors.write(save, trainer.weights(), new java.util.TreeMap<>(Map.of("model", g.name(), "steps",
                        Long.toString(trainer.steps()))));
            } catch (IOException e) {
                throw Loaded.ioError(save, e);
            }
            out.println("wrote " + save);
        }
        out.flush();
        return 0;
    }

    /** FILE.csv → FILE.png (or FILE.png appended to other names). */
    static Path plotPath(Path log) {
        String name = log.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
        return log.resolveSibling(stem + ".png");
    }

    private static void write(Path file, String text) {
        if (file == null) {
            return;
        }
        try {
            AtomicFiles.write(file, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw Loaded.ioError(file, e);
        }
    }

    /** Keras-style progress: a bar redrawn in place on a terminal, one line per epoch otherwise (CI logs). */
    static final class Progress implements Trainer.Listener {
        private final PrintWriter out;
        private final boolean live;
        private long lastDraw;

        Progress(PrintWriter out, boolean live) {
            this.out = out;
            this.live = live;
        }

        @Override
        public void step(int epoch, int batch, int batches, double loss, double accuracy, double imagesPerSecond,
                double seconds) {
            if (!live || (System.nanoTime() - lastDraw < 100_000_000L && batch < batches)) {
                return;
            }
            lastDraw = System.nanoTime();
            int width = 30;
            int done = (int) ((long) width * batch / Math.max(1, batches));
            long eta = Math.round(seconds / batch * (batches - batch));
            out.printf(Locale.ROOT, "\rEpoch %d %d/%d [%s%s] ETA %d:%02d loss %.4f accuracy %.4f %,.0f images/s",
                    epoch + 1, batch, batches, "=".repeat(done), ".".repeat(width - done), eta / 60, eta % 60, loss,
                    accuracy, imagesPerSecond);
            out.flush();
        }

        void end(Trainer.EpochResult r) {
            if (live) {
                out.print("\r" + " ".repeat(110) + "\r");
            }
            out.printf(Locale.ROOT, "Epoch %d: %d step%s, %.1f s, %,.0f images/s, loss %.4f, accuracy %.4f%s%n",
                    r.epoch() + 1, r.steps(), r.steps() == 1 ? "" : "s", r.seconds(), r.imagesPerSecond(), r.loss(), r.accuracy(),
                    r.validation() == null ? "" : String.format(Locale.ROOT, ", val_loss %.4f, val_accuracy %.4f",
                            r.validation().loss(), r.validation().accuracy()));
            out.flush();
        }
    }
}
