package cnnc.cli;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.runtime.io.FileFormatException;
import cnnc.runtime.io.Npy;
import cnnc.runtime.io.Safetensors;
import cnnc.runtime.model.ModelWeights;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading weights and arrays for commands, turning every file problem into a one-line user error. */
final class Loaded {
    private Loaded() {}

    /** The weights in {@code file}, checked against the model (warnings printed to {@code err}). */
    static Map<String, Tensor> weights(Graph g, Path file, PrintWriter err) {
        try {
            var read = Safetensors.read(file);
            Map<String, Tensor> w = read.tensors();
            if ("cnnc-checkpoint".equals(read.metadata().get("format"))) {
                // A training checkpoint: its weights, without the optimizer state.
                w.keySet().removeIf(k -> k.startsWith("optimizer/"));
            }
            for (String warning : ModelWeights.check(g, w, file.toString())) {
                err.println("cnnc: warning: " + warning);
            }
            return w;
        } catch (ModelWeights.MismatchException e) {
            throw new UserError("cnnc: error: " + e.getMessage(), Main.EXIT_INVALID);
        } catch (IOException e) {
            throw ioError(file, e);
        }
    }

    static Tensor array(Path file) {
        try {
            return Npy.read(file);
        } catch (IOException e) {
            throw ioError(file, e);
        }
    }

    static UserError ioError(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new UserError("cnnc: error: no such file: " + file, Main.EXIT_INVALID);
        }
        if (e instanceof FileFormatException) {
            return new UserError("cnnc: error: " + e.getMessage(), Main.EXIT_INVALID);
        }
        String m = String.valueOf(e.getMessage());
        return new UserError("cnnc: error: " + (m.contains(file.toString()) ? m : file + ": " + m), Main.EXIT_INVALID);
    }

    /**
     * Pairs {@code NAME=FILE} (or a bare {@code FILE} when there is exactly one name) with the model's names.
     *
     * @param what "input" or "output", for messages
     */
    static Map<String, Path> named(List<String> specs, List<String> names, String what, boolean all) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String name = eq > 0 ? spec.substring(0, eq) : null;
            String path = eq > 0 ? spec.substring(eq + 1) : spec;
            if (name == null) {
                if (names.size() != 1) {
                    throw new UserError("cnnc: error: the model has several " + what + "s (" + String.join(", ", names)
                            + "); write --" + what + " NAME=FILE.npy", Main.EXIT_USAGE);
                }
                name = names.get(0);
            }
            if (!names.contains(name)) {
                throw new UserError("cnnc: error: the model has no " + what + " named `" + name + "`; its " + what
                        + "s are: " + String.join(", ", names), Main.EXIT_USAGE);
            }
            if (out.put(name, Path.of(path)) != null) {
                throw new UserError("cnnc: error: " + what + " `" + name + "` given twice", Main.EXIT_USAGE);
            }
        }
        if (all && out.size() != names.size()) {
            List<String> missing = names.stream().filter(n -> !out.containsKey(n)).toList();
            throw new UserError("cnnc: error: no --" + what + " for " + String.join(", ", missing), Main.EXIT_USAGE);
        }
        return out;
    }
}
