package cnnc.codegen.java;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.TypeSpec;
import javax.lang.model.element.Modifier;

/**
 * The fixed parts of every generated class: the public API (run, predict, load, main), batch splitting across
 * workers, weight checks and packing helpers, and the small .npy reader/writer its {@code main} uses. Written once
 * here so that the per-model parts of the generator stay about the model.
 */
final class Support {
    private Support() {}

    static void addApi(TypeSpec.Builder t, ClassName self, int inputs, int outputs, int slots) {
        t.addMethod(MethodSpec.methodBuilder("run").addModifiers(Modifier.PUBLIC, Modifier.SYNCHRONIZED)
                .addJavadoc("Runs a batch. {@code inputs[i]} holds {@code batch} examples of input i in [N, H, W, C]"
                        + " order; {@code outputs[o]} receives output o. Examples are split across the worker"
                        + " threads (or, for a single example, the rows of large convolutions); buffers are"
                        + " reused between calls, and a call allocates nothing once warm.\n")
                .addParameter(float[][].class, "inputs").addParameter(float[][].class, "outputs")
                .addParameter(int.class, "batch")
                .addCode("checkBuffers(inputs, outputs, batch);\n"
                        + "jobIn = inputs;\n"
                        + "jobOut = outputs;\n"
                        + "jobBatch = batch;\n"
                        + "int t = Math.min(threads, batch);\n"
                        + "try {\n"
                        + "  if (t <= 1) {\n"
                        + "    for (int b = 0; b < batch; b += MICRO) {\n"
                        + "      int n = Math.min(MICRO, batch - b);\n"
                        + "      runChunk(inputs, outputs, b, n, space(0, n), threads > 1);\n"
                        + "    }\n"
                        + "  } else {\n"
                        + "    jobParties = t;\n"
                        + "    team().run(t, batchTask);\n"
                        + "  }\n"
                        + "} finally {\n"
                        + "  jobIn = null;\n"
                        + "  jobOut = null;\n"
                        + "}\n").build());
        t.addMethod(MethodSpec.methodBuilder("batchShare").addModifiers(Modifier.PRIVATE)
                .addJavadoc("Worker {@code w}'s share of the batch being run.\n")
                .addParameter(int.class, "w")
                .addCode("int b0 = (int) ((long) jobBatch * w / jobParties);\n"
                        + "int b1 = (int) ((long) jobBatch * (w + 1) / jobParties);\n"
                        + "runRange(jobIn, jobOut, b0, b1, w);\n").build());
        t.addMethod(MethodSpec.methodBuilder("team").addModifiers(Modifier.PRIVATE).returns(self.nestedClass("Team"))
                .addCode("if (team == null) team = new Team(threads, $S);\nreturn team;\n",
                        self.simpleName() + "-worker").build());
        t.addMethod(MethodSpec.methodBuilder("runRange").addModifiers(Modifier.PRIVATE)
                .addJavadoc("One worker's share, in micro-batches of at most {@link #MICRO} examples so that "
                        + "activations stay in cache.\n")
                .addParameter(float[][].class, "inputs").addParameter(float[][].class, "outputs")
                .addParameter(int.class, "b0").addParameter(int.class, "b1").addParameter(int.class, "worker")
                .addCode("for (int b = b0; b < b1; b += MICRO) {\n"
                        + "  int n = Math.min(MICRO, b1 - b);\n"
                        + "  runChunk(inputs, outputs, b, n, space(worker, Math.min(MICRO, b1 - b0)), false);\n"
                        + "}\n").build());
        t.addMethod(MethodSpec.methodBuilder("space").addModifiers(Modifier.PRIVATE).returns(self.nestedClass(
                "Workspace"))
                .addJavadoc("Worker {@code w}'s workspace, made (once) large enough for {@code n} examples.\n")
                .addParameter(int.class, "w").addParameter(int.class, "n")
                .addCode("Workspace ws = spaces[w];\n"
                        + "if (ws == null || ws.capacity < n) {\n"
                        + "  ws = new Workspace(n);\n"
                        + "  spaces[w] = ws;\n"
                        + "}\n"
                        + "return ws;\n").build());
        t.addMethod(MethodSpec.methodBuilder("checkBuffers").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(float[][].class, "inputs").addParameter(float[][].class, "outputs")
                .addParameter(int.class, "batch")
                .addCode("if (batch < 0) throw new IllegalArgumentException(\"negative batch \" + batch);\n"
                        + "if (inputs.length != INPUT_NAMES.length) throw new IllegalArgumentException(\"expected \""
                        + " + INPUT_NAMES.length + \" input arrays, got \" + inputs.length);\n"
                        + "if (outputs.length != OUTPUT_NAMES.length) throw new IllegalArgumentException(\"expected \""
                        + " + OUTPUT_NAMES.length + \" output arrays, got \" + outputs.length);\n"
                        + "for (int i = 0; i < inputs.length; i++) {\n"
                        + "  long need = (long) batch * size(INPUT_SHAPES[i]);\n"
                        + "  if (inputs[i] == null || inputs[i].length < need) throw new IllegalArgumentException("
                        + "\"input \" + INPUT_NAMES[i] + \" needs \" + need + \" floats for a batch of \" + batch);\n"
                        + "}\n"
                        + "for (int i = 0; i < outputs.length; i++) {\n"
                        + "  long need = (OUTPUT_BATCHED[i] ? batch : 1) * size(OUTPUT_SHAPES[i]);\n"
                        + "  if (outputs[i] == null || outputs[i].length < need) throw new IllegalArgumentException("
                        + "\"output \" + OUTPUT_NAMES[i] + \" needs \" + need + \" floats for a batch of \" + batch);\n"
                        + "}\n").build());
        t.addMethod(MethodSpec.methodBuilder("size").addModifiers(Modifier.STATIC)
                .returns(long.class).addParameter(int[].class, "shape")
                .addCode("long n = 1;\nfor (int d : shape) n *= d;\nreturn n;\n").build());
        if (inputs == 1 && outputs == 1) {
            t.addMethod(MethodSpec.methodBuilder("predict").addModifiers(Modifier.PUBLIC).returns(float[].class)
                    .addJavadoc("Runs one example ([H, W, C] in row-major order) and returns the output.\n")
                    .addParameter(float[].class, "example")
                    .addCode("float[] out = new float[(int) size(OUTPUT_SHAPES[0])];\n"
                            + "run(new float[][] {example}, new float[][] {out}, 1);\n"
                            + "return out;\n").build());
            t.addMethod(MethodSpec.methodBuilder("predict").addModifiers(Modifier.PUBLIC).returns(float[][].class)
                    .addJavadoc("Runs a batch of examples (each [H, W, C] in row-major order) on all workers.\n")
                    .addParameter(float[][].class, "examples")
                    .addCode("int n = examples.length;\n"
                            + "int in = (int) size(INPUT_SHAPES[0]);\n"
                            + "int out = (int) size(OUTPUT_SHAPES[0]);\n"
                            + "float[] x = new float[Math.multiplyExact(n, in)];\n"
                            + "for (int i = 0; i < n; i++) {\n"
                            + "  if (examples[i].length != in) throw new IllegalArgumentException(\"example \" + i"
                            + " + \" has \" + examples[i].length + \" values, expected \" + in);\n"
                            + "  System.arraycopy(examples[i], 0, x, i * in, in);\n"
                            + "}\n"
                            + "float[] y = new float[Math.multiplyExact(n, out)];\n"
                            + "run(new float[][] {x}, new float[][] {y}, n);\n"
                            + "float[][] result = new float[n][];\n"
                            + "for (int i = 0; i < n; i++) result[i] = java.util.Arrays.copyOfRange(y, i * out,"
                            + " (i + 1) * out);\n"
                            + "return result;\n").build());
        }
        t.addMethod(MethodSpec.methodBuilder("load").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(self)
                .addJavadoc("The model with the weights packaged next to this class (resource {@code $L.weights})."
                        + "\n", self.simpleName())
                .addCode("return load(Runtime.getRuntime().availableProcessors());\n").build());
        t.addMethod(MethodSpec.methodBuilder("load").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(self)
                .addParameter(int.class, "threads")
                .addCode("try (java.io.InputStream in = $T.class.getResourceAsStream($S)) {\n"
                        + "  if (in == null) throw new IllegalStateException(\"no weights resource $L.weights\");\n"
                        + "  return new $T(readWeights(in), threads);\n"
                        + "} catch (java.io.IOException e) {\n"
                        + "  throw new java.io.UncheckedIOException(e);\n"
                        + "}\n", self, self.simpleName() + ".weights", self.simpleName(), self).build());
        t.addMethod(MethodSpec.methodBuilder("readWeights").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(float[][].class).addException(java.io.IOException.class)
                .addJavadoc("Reads a weights resource ({@code CNNCW001} format), checking the magic, the count and the"
                        + " names; sizes are checked by the constructor.\n")
                .addParameter(java.io.InputStream.class, "in")
                .addCode("java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(in.readAllBytes())"
                        + ".order(java.nio.ByteOrder.LITTLE_ENDIAN);\n"
                        + "byte[] magic = new byte[8];\n"
                        + "b.get(magic);\n"
                        + "if (!new String(magic, java.nio.charset.StandardCharsets.US_ASCII).equals($S)) "
                        + "throw new java.io.IOException(\"not a cnnc weights resource\");\n"
                        + "int count = b.getInt();\n"
                        + "if (count != WEIGHT_NAMES.length) throw new java.io.IOException(\"expected \" + "
                        + "WEIGHT_NAMES.length + \" tensors, found \" + count);\n"
                        + "float[][] w = new float[count][];\n"
                        + "for (int i = 0; i < count; i++) {\n"
                        + "  byte[] name = new byte[b.getShort()];\n"
                        + "  b.get(name);\n"
                        + "  String s = new String(name, java.nio.charset.StandardCharsets.UTF_8);\n"
                        + "  if (!s.equals(WEIGHT_NAMES[i])) throw new java.io.IOException(\"expected tensor \" + "
                        + "WEIGHT_NAMES[i] + \", found \" + s);\n"
                        + "  int rank = b.getInt();\n"
                        + "  long size = 1;\n"
                        + "  for (int d = 0; d < rank; d++) size *= b.getInt();\n"
                        + "  w[i] = new float[(int) size];\n"
                        + "  b.asFloatBuffer().get(w[i]);\n"
                        + "  b.position(b.position() + 4 * (int) size);\n"
                        + "}\n"
                        + "return w;\n", WeightsBlob.MAGIC).build());
        t.addMethod(MethodSpec.methodBuilder("checkWeights").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(float[][].class, "w")
                .addCode("if (w.length != WEIGHT_NAMES.length) throw new IllegalArgumentException(\"expected \" + "
                        + "WEIGHT_NAMES.length + \" weight tensors, got \" + w.length);\n"
                        + "for (int i = 0; i < w.length; i++) {\n"
                        + "  if (w[i] == null || w[i].length != size(WEIGHT_SHAPES[i])) throw new "
                        + "IllegalArgumentException(\"weight \" + WEIGHT_NAMES[i] + \" needs \" + "
                        + "size(WEIGHT_SHAPES[i]) + \" values\");\n"
                        + "}\n").build());
        MainMethod.add(t, self);
    }

    static void addHelpers(TypeSpec.Builder t) {
        t.addMethod(MethodSpec.methodBuilder("copy").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(float[].class).addParameter(float[].class, "a").addCode("return a.clone();\n").build());
        t.addMethod(MethodSpec.methodBuilder("rowsInto").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("Splits a row-major kernel into rows of {@code n} (the output channels), into {@code r}"
                        + " when it has that shape; large kernels in 8 parts on the common fork-join pool.\n")
                .returns(float[][].class).addParameter(float[][].class, "r").addParameter(float[].class, "a")
                .addParameter(int.class, "n")
                .addCode("if (r == null || r.length != a.length / n) r = new float[a.length / n][n];\n"
                        + "final float[][] rows = r;\n"
                        + "int parts = a.length < (1 << 16) ? 1 : 8;\n"
                        + "java.util.stream.IntStream.range(0, parts).parallel().forEach(p -> {\n"
                        + "  for (int i = rows.length * p / parts; i < rows.length * (p + 1) / parts; i++) "
                        + "System.arraycopy(a, i * n, rows[i], 0, n);\n"
                        + "});\n"
                        + "return r;\n").build());
        t.addMethod(MethodSpec.methodBuilder("transposeInto").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("The [rows, cols] matrix {@code a} transposed into {@code cols} rows of {@code rows}, 32"
                        + " source rows at a time so that they stay in the L1 cache; large ones in up to 8 parts on the common"
                        + " fork-join pool.\n")
                .returns(float[][].class).addParameter(float[][].class, "t").addParameter(float[].class, "a")
                .addParameter(int.class, "rows").addParameter(int.class, "cols")
                .addCode("if (t == null || t.length != cols) t = new float[cols][rows];\n"
                        + "final float[][] tt = t;\n"
                        + "int blocks = (rows + 31) / 32;\n"
                        + "int parts = (long) rows * cols < (1 << 16) ? 1 : Math.min(8, blocks);\n"
                        + "java.util.stream.IntStream.range(0, parts).parallel().forEach(p -> {\n"
                        + "  for (int i0 = blocks * p / parts * 32; i0 < Math.min(rows, blocks * (p + 1) / parts * 32);"
                        + " i0 += 32) {\n"
                        + "    int i1 = Math.min(rows, i0 + 32);\n"
                        + "    for (int j = 0; j < cols; j++) {\n"
                        + "      float[] tj = tt[j];\n"
                        + "      for (int i = i0; i < i1; i++) tj[i] = a[i * cols + j];\n"
                        + "    }\n"
                        + "  }\n"
                        + "});\n"
                        + "return t;\n").build());
        t.addMethod(MethodSpec.methodBuilder("copyInto").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(float[].class).addParameter(float[].class, "to").addParameter(float[].class, "a")
                .addCode("if (to == null || to.length != a.length) to = new float[a.length];\n"
                        + "System.arraycopy(a, 0, to, 0, a.length);\n"
                        + "return to;\n").build());
        t.addMethod(MethodSpec.methodBuilder("zerosInto").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(float[].class).addParameter(float[].class, "to").addParameter(int.class, "n")
                .addCode("if (to == null || to.length != n) return new float[n];\n"
                        + "java.util.Arrays.fill(to, 0f);\n"
                        + "return to;\n").build());
        t.addMethod(MethodSpec.methodBuilder("keep").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(double.class)
                .addJavadoc("Training dropout's mask: 1/(1-rate) or 0 from a SplitMix64 hash of the layer's seed, the"
                        + " example's key and the element (the reference definition's formula).\n")
                .addParameter(long.class, "seed").addParameter(double.class, "key").addParameter(long.class, "index")
                .addParameter(double.class, "rate")
                .addCode("long z = seed * 0x9E3779B97F4A7C15L + (long) key * 0xBF58476D1CE4E5B9L + index * "
                        + "0x94D049BB133111EBL;\n"
                        + "z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;\n"
                        + "z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;\n"
                        + "z ^= z >>> 31;\n"
                        + "double u = (z >>> 11) * 0x1.0p-53;\n"
                        + "return u >= rate ? 1 / (1 - rate) : 0;\n").build());
        t.addMethod(MethodSpec.methodBuilder("bnScale").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("gamma / sqrt(variance + epsilon), per channel (gamma null: 1).\n")
                .returns(float[].class).addParameter(float[].class, "gamma").addParameter(float[].class, "var")
                .addParameter(float.class, "eps")
                .addCode("float[] s = new float[var.length];\n"
                        + "for (int i = 0; i < s.length; i++) s[i] = (float) ((gamma == null ? 1.0 : gamma[i]) / "
                        + "Math.sqrt((double) var[i] + eps));\n"
                        + "return s;\n").build());
        t.addMethod(MethodSpec.methodBuilder("bnShift").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("beta - mean · scale, per channel (beta null: 0).\n")
                .returns(float[].class).addParameter(float[].class, "beta").addParameter(float[].class, "mean")
                .addParameter(float[].class, "scale")
                .addCode("float[] s = new float[mean.length];\n"
                        + "for (int i = 0; i < s.length; i++) s[i] = (float) ((beta == null ? 0.0 : beta[i]) - "
                        + "(double) mean[i] * scale[i]);\n"
                        + "return s;\n").build());
        t.addMethod(MethodSpec.methodBuilder("scaleLast").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("Multiplies a kernel whose last axis is the output channel by a per-channel scale.\n")
                .addParameter(float[].class, "k").addParameter(float[].class, "scale")
                .addCode("for (int i = 0; i < k.length; i++) k[i] *= scale[i % scale.length];\n").build());
        t.addMethod(MethodSpec.methodBuilder("foldBias").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("bias · scale + shift: a bias followed by a batch norm, as one bias.\n")
                .addParameter(float[].class, "bias").addParameter(float[].class, "scale")
                .addParameter(float[].class, "shift")
                .addCode("for (int i = 0; i < bias.length; i++) bias[i] = bias[i] * scale[i] + shift[i];\n")
                .build());
    }
}
