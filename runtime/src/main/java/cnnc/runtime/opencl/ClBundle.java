package cnnc.runtime.opencl;

import cnnc.codegen.opencl.ClModel;
import cnnc.codegen.opencl.ClModel.Arg;
import cnnc.codegen.opencl.ClModel.Launch;
import cnnc.codegen.opencl.ClModel.Recipe;
import cnnc.codegen.opencl.ClModel.WeightBuffer;
import cnnc.compiler.ir.Tensor;
import cnnc.runtime.io.AtomicFiles;
import cnnc.runtime.io.FileFormatException;
import cnnc.runtime.io.Json;
import cnnc.runtime.io.Safetensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code cnnc compile --target opencl -o DIR} writes, and reads back: {@code model.cl} (the kernels),
 * {@code weights.safetensors} (every weight buffer, already computed: batch-norm scales and shifts included, named
 * as in the manifest) and {@code manifest.json} (format {@value #FORMAT}: inputs and outputs with per-example
 * shapes, activation slot sizes, weight buffers, and the launches in order with their arguments). Each file is
 * written whole (temporary file, then rename), the manifest last.
 */
public final class ClBundle {
    public static final String FORMAT = "cnnc-opencl-1";
    public static final String BUILD_OPTIONS = "-cl-single-precision-constant";

    private ClBundle() {}

    /** Writes {@code model} with its weight buffers computed from Keras-layout {@code keras} into {@code dir}. */
    public static void write(ClModel model, Map<String, Tensor> keras, Path dir) throws IOException {
        Files.createDirectories(dir);
        byte[] source = model.source().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(dir.resolve("model.cl"), out -> out.write(source));
        Map<String, Tensor> buffers = new LinkedHashMap<>();
        for (WeightBuffer w : model.weights()) {
            float[] data = WeightRecipes.compute(w, keras);
            buffers.put(w.name(), new Tensor(new long[] {data.length}, data));
        }
        Safetensors.write(dir.resolve("weights.safetensors"), buffers, Map.of("format", FORMAT));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("model", model.name());
        m.put("source", "model.cl");
        m.put("build_options", BUILD_OPTIONS);
        m.put("weights_file", "weights.safetensors");
        m.put("layout", "NHWC float32; each buffer holds batch × its per-example size");
        m.put("inputs", values(model.inputNames(), model.inputShapes()));
        List<Object> outs = values(model.outputNames(), model.outputShapes());
        for (int i = 0; i < outs.size(); i++) {
            @SuppressWarnings("unchecked")
            Map<String, Object> o = (Map<String, Object>) outs.get(i);
            o.put("batched", model.outputBatched().get(i));
        }
        m.put("outputs", outs);
        List<Object> slots = new ArrayList<>();
        for (long s : model.slotSizes()) {
            slots.add(s);
        }
        m.put("slots", slots);
        List<Object> weights = new ArrayList<>();
        for (WeightBuffer w : model.weights()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", w.name());
            o.put("size", w.size());
            weights.add(o);
        }
        m.put("weights", weights);
        List<Object> launches = new ArrayList<>();
        for (Launch l : model.launches()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("kernel", l.kernel());
            o.put("group", l.group());
            List<Object> args = new ArrayList<>();
            for (Arg a : l.args()) {
                Map<String, Object> ao = new LinkedHashMap<>();
                ao.put("kind", a.kind().name().toLowerCase(Locale.ROOT));
                ao.put("index", a.index());
                args.add(ao);
            }
            o.put("args", args);
            o.put("rows_per_example", l.rowsPerExample());
            o.put("rows_per_item", l.rowsPerItem());
            o.put("items_per_block", l.itemsPerBlock());
            o.put("local_size", l.localSize());
            launches.add(o);
        }
        m.put("launches", launches);
        m.put("launch_rule", "global size: ceil(batch × rows_per_example / rows_per_item) × items_per_block, rounded up"
                + " to a multiple of local_size when it is not 0 (0: the runtime chooses the work-group size);"
                + " arguments in order, then the batch size as int");
        byte[] manifest = (cnnc.compiler.report.Json.write(m) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(dir.resolve("manifest.json"), out -> out.write(manifest));
    }

    private static List<Object> values(List<String> names, List<long[]> shapes) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", names.get(i));
            List<Object> dims = new ArrayList<>();
            for (long d : shapes.get(i)) {
                dims.add(d);
            }
            o.put("shape", dims);
            out.add(o);
        }
        return out;
    }

    /** A bundle read back: the model (its weights RAW, keyed by buffer name) and the buffers. */
    public record Loaded(ClModel model, Map<String, Tensor> buffers) {}

    /** Reads a bundle {@link #write} wrote. */
    public static Loaded read(Path dir) throws IOException {
        Path manifestFile = dir.resolve("manifest.json");
        String text;
        try {
            text = Files.readString(manifestFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new FileFormatException(dir, "is not an OpenCL bundle: it has no manifest.json");
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (Json.SyntaxException e) {
            throw new FileFormatException(manifestFile, "is not valid JSON (" + e.getMessage() + ")");
        }
        try {
            Map<?, ?> m = (Map<?, ?>) parsed;
            if (!FORMAT.equals(m.get("format"))) {
                throw new FileFormatException(manifestFile, "has format " + m.get("format") + ", not " + FORMAT);
            }
            String source = Files.readString(dir.resolve((String) m.get("source")), StandardCharsets.UTF_8);
            Map<String, Tensor> buffers = Safetensors.read(dir.resolve((String) m.get("weights_file"))).tensors();
            List<String> inNames = new ArrayList<>();
            List<long[]> inShapes = new ArrayList<>();
            readValues((List<?>) m.get("inputs"), inNames, inShapes);
            List<String> outNames = new ArrayList<>();
            List<long[]> outShapes = new ArrayList<>();
            readValues((List<?>) m.get("outputs"), outNames, outShapes);
            List<Boolean> batched = new ArrayList<>();
            for (Object o : (List<?>) m.get("outputs")) {
                batched.add(!Boolean.FALSE.equals(((Map<?, ?>) o).get("batched")));
            }
            List<?> slotList = (List<?>) m.get("slots");
            long[] slots = new long[slotList.size()];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = ((Number) slotList.get(i)).longValue();
            }
            List<WeightBuffer> weights = new ArrayList<>();
            for (Object o : (List<?>) m.get("weights")) {
                Map<?, ?> w = (Map<?, ?>) o;
                String name = (String) w.get("name");
                if (!buffers.containsKey(name)) {
                    throw new FileFormatException(dir.resolve((String) m.get("weights_file")), "lacks the buffer `"
                            + name + "` the manifest names");
                }
                weights.add(new WeightBuffer(name, Recipe.RAW, List.of(name), 0, ((Number) w.get("size"))
                        .longValue()));
            }
            List<Launch> launches = new ArrayList<>();
            for (Object o : (List<?>) m.get("launches")) {
                Map<?, ?> l = (Map<?, ?>) o;
                List<Arg> args = new ArrayList<>();
                for (Object a : (List<?>) l.get("args")) {
                    Map<?, ?> am = (Map<?, ?>) a;
                    args.add(new Arg(ClModel.Kind.valueOf(((String) am.get("kind")).toUpperCase(Locale.ROOT)),
                            ((Number) am.get("index")).intValue()));
                }
                launches.add(new Launch((String) l.get("kernel"), (String) l.get("group"), args,
                        ((Number) l.get("rows_per_example")).longValue(), ((Number) l.get("rows_per_item")).intValue(),
                        ((Number) l.get("items_per_block")).longValue(), ((Number) l.get("local_size")).intValue()));
            }
            return new Loaded(new ClModel((String) m.get("model"), source, inNames, inShapes, outNames, outShapes,
                    batched, slots, weights, launches), buffers);
        } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
            throw new FileFormatException(manifestFile, "is not a manifest cnnc wrote (" + e.getMessage() + ")");
        }
    }

    private static void readValues(List<?> list, List<String> names, List<long[]> shapes) {
        for (Object o : list) {
            Map<?, ?> v = (Map<?, ?>) o;
            names.add((String) v.get("name"));
            List<?> dims = (List<?>) v.get("shape");
            long[] s = new long[dims.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = ((Number) dims.get(i)).longValue();
            }
            shapes.add(s);
        }
    }
}
