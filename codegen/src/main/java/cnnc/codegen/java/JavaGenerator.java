package cnnc.codegen.java;

import cnnc.compiler.ir.FusedOp;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.GraphInput;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.passes.MemoryPlan;
import com.squareup.javapoet.ArrayTypeName;
import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.FieldSpec;
import com.squareup.javapoet.JavaFile;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.TypeName;
import com.squareup.javapoet.TypeSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Modifier;

/**
 * Renders a fused, shaped graph as one Java class (JavaPoet): weight fields packed by the constructor, one private
 * method per fused group, a driver that runs the groups in order over a batch split across worker threads, and a
 * plain API ({@code load()}, {@code predict}, {@code run}, {@code main}). The class needs only the JDK.
 */
public final class JavaGenerator {
    private JavaGenerator() {}

    /** A Java class name for a model name: kept when it is a legal identifier, else made one. */
    public static String className(String modelName) {
        String s = modelName.replaceAll("[^A-Za-z0-9_]", "_");
        if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) {
            s = "Model" + s;
        }
        s = Character.toUpperCase(s.charAt(0)) + s.substring(1);
        return SourceVersion.isKeyword(s) ? s + "_" : s;
    }

    /** A package name from dotted words, each made a legal identifier; empty stays empty. */
    public static String packageName(String name) {
        if (name == null || name.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (String p : name.split("\\.")) {
            String s = p.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
            if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) {
                s = "_" + s;
            }
            parts.add(SourceVersion.isKeyword(s) ? s + "_" : s);
        }
        return String.join(".", parts);
    }

    /**
     * Generates the class for {@code fused} (the graph after the fuse pass). {@code shapes} gives the per-example
     * shape of every value of the model before fusion (members of fused groups included).
     */
    public static JavaModel generate(Graph fused, Map<String, Shape> shapes, String packageName, String className) {
        return generate(fused, shapes, packageName, className, 0);
    }

    /**
     * Like {@link #generate(Graph, Map, String, String)}, with contractions written for the Vector API
     * ({@code jdk.incubator.vector}) at {@code lanes} floats per vector (0: plain loops only). Such a class needs
     * {@code --add-modules jdk.incubator.vector} to compile and run; it pays off on JDK 21 and later.
     */
    public static JavaModel generate(Graph fused, Map<String, Shape> shapes, String packageName, String className,
            int lanes) {
        return generate(fused, shapes, packageName, className, lanes, 0);
    }

    /**
     * The training step: a training graph (from the autodiff pass) rendered with layers and their activations fused
     * ({@link cnnc.compiler.passes.FuseTraining}), every other op its own kernel (pointwise forward ops as one-member
     * groups), and the whole batch in one pass, as batch statistics and weight gradients need. Construct it with one
     * thread; its outputs are the graph's (loss, predictions, gradients, moments).
     */
    public static JavaModel generateTraining(Graph train, Map<String, Shape> shapes, String packageName,
            String className, int lanes) {
        train = new cnnc.compiler.passes.FuseTraining().run(train, new cnnc.compiler.diag.Diagnostics());
        List<Node> nodes = new ArrayList<>();
        for (Node n : train.nodes()) {
            cnnc.compiler.ir.FusionKind kind = n.op().fusionKind(n.attrs());
            boolean forwardPointwise = !n.op().getClass().getPackageName().endsWith(".grad")
                    && (kind == cnnc.compiler.ir.FusionKind.ELEMWISE || kind == cnnc.compiler.ir.FusionKind.BROADCAST);
            nodes.add(forwardPointwise ? new Node(n.name(), new FusedOp(null, List.of(n), null, false),
                    cnnc.compiler.ir.Attrs.empty(), n.inputs(), n.shape(), n.span()) : n);
        }
        return generate(train.withNodes(nodes), shapes, packageName, className, lanes, 1 << 30);
    }

    private static JavaModel generate(Graph fused, Map<String, Shape> shapes, String packageName, String className,
            int lanes, int microOverride) {
        ClassName self = ClassName.get(packageName, className);
        ClassName workspace = self.nestedClass("Workspace");
        Packing packing = new Packing(shapes);
        Kernels kernels = new Kernels(shapes, packing, workspace, lanes);
        MemoryPlan plan = MemoryPlan.plan(fused);
        TypeSpec.Builder type = TypeSpec.classBuilder(className).addModifiers(Modifier.PUBLIC, Modifier.FINAL);

        List<Node> groups = new ArrayList<>();
        List<Kernel> emitted = new ArrayList<>();
        long padded = 1;
        long acc = 1;
        for (Node n : fused.nodes()) {
            if (MemoryPlan.isView(n, fused)) {
                continue;
            }
            Kernel k = kernels.emit(n, "g" + groups.size() + "_" + safe(n.name()));
            groups.add(n);
            emitted.add(k);
            padded = Math.max(padded, k.paddedScratch());
            acc = Math.max(acc, k.accScratch());
        }
        type.addJavadoc(javadoc(fused, groups, plan));
        if (lanes > 0) {
            ClassName vector = ClassName.get("jdk.incubator.vector", "FloatVector");
            ClassName species = ClassName.get("jdk.incubator.vector", "VectorSpecies");
            type.addField(FieldSpec.builder(com.squareup.javapoet.ParameterizedTypeName.get(species,
                    ClassName.get(Float.class)), "S", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("The vector shape the contractions were generated for ($L floats).\n", lanes)
                    .initializer("$T.SPECIES_$L", vector, lanes * 32).build());
        }

        // Constants describing the model.
        List<String> inNames = fused.inputs().stream().map(GraphInput::name).toList();
        List<long[]> inShapes = fused.inputs().stream().map(i -> i.shape().dims()).toList();
        List<String> outNames = fused.outputs();
        List<long[]> outShapes = outNames.stream().map(o -> fused.shapeOf(o).dims()).toList();
        List<String> weightNames = packing.weightNames();
        List<long[]> weightShapes = new ArrayList<>();
        Map<String, long[]> allWeights = weightShapes(fused, shapes);
        for (String w : weightNames) {
            weightShapes.add(allWeights.get(w));
        }
        type.addField(constant(TypeName.get(String[].class), "INPUT_NAMES", strings(inNames)));
        type.addField(constant(TypeName.get(int[][].class), "INPUT_SHAPES", ints(inShapes)));
        type.addField(constant(TypeName.get(String[].class), "OUTPUT_NAMES", strings(outNames)));
        type.addField(constant(TypeName.get(int[][].class), "OUTPUT_SHAPES", ints(outShapes)));
        List<Boolean> outBatched = outNames.stream().map(o -> fused.node(o) == null || fused.node(o).op().batched())
                .toList();
        CodeBlock.Builder batched = CodeBlock.builder().add("{");
        for (int i = 0; i < outBatched.size(); i++) {
            batched.add(i == 0 ? "$L" : ", $L", outBatched.get(i));
        }
        type.addField(FieldSpec.builder(boolean[].class, "OUTPUT_BATCHED", Modifier.PUBLIC, Modifier.STATIC,
                Modifier.FINAL).addJavadoc("Whether each output has a batch axis (weight gradients and batch moments"
                + " of a training step do not: one value per batch).\n").initializer(batched.add("}").build())
                .build());
        type.addField(constant(TypeName.get(String[].class), "WEIGHT_NAMES", strings(weightNames)));
        type.addField(constant(TypeName.get(int[][].class), "WEIGHT_SHAPES", ints(weightShapes)));
        for (String f : packing.fields()) {
            type.addField(FieldSpec.builder(float[].class, f, Modifier.PRIVATE).build());
        }
        for (String f : packing.matrixFields()) {
            type.addField(FieldSpec.builder(float[][].class, f, Modifier.PRIVATE).build());
        }
        packing.scratchFields().forEach((f, dims) -> type.addField(FieldSpec.builder(float[][].class, f,
                Modifier.PRIVATE, Modifier.FINAL).initializer("new float[$L][$L]", dims[0], dims[1]).build()));
        long perExample = Math.max(1, plan.peakBytes(1));
        int micro = microOverride > 0 ? microOverride : (int) Math.max(1, Math.min(64, (256L << 10) / perExample));
        type.addField(FieldSpec.builder(int.class, "MICRO", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Examples per pass through the groups: activations of a micro-batch fit in 256 KiB.\n")
                .initializer("$L", micro).build());
        type.addField(FieldSpec.builder(int.class, "threads", Modifier.PRIVATE, Modifier.FINAL).build());
        type.addField(FieldSpec.builder(ArrayTypeName.of(workspace), "spaces", Modifier.PRIVATE, Modifier.FINAL)
                .build());
        type.addField(FieldSpec.builder(self.nestedClass("Team"), "team", Modifier.PRIVATE).build());
        type.addField(FieldSpec.builder(java.util.function.IntConsumer.class, "batchTask", Modifier.PRIVATE,
                Modifier.FINAL).initializer("this::batchShare").build());
        type.addField(FieldSpec.builder(java.util.function.IntConsumer.class, "rowTask", Modifier.PRIVATE,
                Modifier.FINAL).initializer("this::rowShare").build());
        for (String f : new String[] {"jobIn", "jobOut"}) {
            type.addField(FieldSpec.builder(float[][].class, f, Modifier.PRIVATE).build());
        }
        for (String f : new String[] {"jobBatch", "jobParties", "jobGroup", "jobN", "jobB0", "jobRows"}) {
            type.addField(FieldSpec.builder(int.class, f, Modifier.PRIVATE).build());
        }
        type.addField(FieldSpec.builder(workspace, "jobWs", Modifier.PRIVATE).build());
        type.addType(Team.type());

        type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                .addJavadoc("Builds the model from its Keras-layout weights, in {@link #WEIGHT_NAMES} order; packs"
                        + " them (batch norms folded) once, here.\n@param threads worker threads for batches (1: "
                        + "the caller's thread only)\n")
                .addParameter(float[][].class, "w").addParameter(int.class, "threads")
                .addCode("checkWeights(w);\npack(w);\n")
                .addCode("this.threads = Math.max(1, threads);\n")
                .addCode("this.spaces = new Workspace[this.threads];\n").build());
        type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                .addJavadoc("Builds the model using every available processor.\n")
                .addParameter(float[][].class, "w")
                .addCode("this(w, Runtime.getRuntime().availableProcessors());\n").build());

        type.addMethod(MethodSpec.methodBuilder("pack").addModifiers(Modifier.PRIVATE)
                .addJavadoc("Packs Keras-layout weights into the kernels' fields, reusing their arrays.\n")
                .addParameter(float[][].class, "w").addCode(packing.constructorCode()).build());
        type.addMethod(MethodSpec.methodBuilder("setWeights").addModifiers(Modifier.PUBLIC, Modifier.SYNCHRONIZED)
                .addJavadoc("Replaces the weights (in {@link #WEIGHT_NAMES} order, Keras layouts), e.g. after a"
                        + " training step; allocates nothing for same-sized kernels.\n")
                .addParameter(float[][].class, "w").addCode("checkWeights(w);\npack(w);\n").build());
        CodeBlock.Builder share = CodeBlock.builder();
        for (String f : packing.fields()) {
            share.addStatement("this.$N = other.$N", f, f);
        }
        for (String f : packing.matrixFields()) {
            share.addStatement("this.$N = other.$N", f, f);
        }
        type.addMethod(MethodSpec.methodBuilder("shareWeights").addModifiers(Modifier.PUBLIC, Modifier.SYNCHRONIZED)
                .addJavadoc("Reads {@code other}'s packed weights from now on, without a copy, so that {@link "
                        + "#setWeights} on {@code other} reaches this instance too: replicas of one model running on"
                        + " other threads pack once. Call neither while the other runs.\n")
                .addParameter(self, "other").addCode(share.build()).build());
        for (Kernel k : emitted) {
            type.addMethod(k.method());
        }
        List<MethodSpec> rowMethods = new ArrayList<>();
        type.addMethod(runChunk(fused, groups, emitted, plan, workspace, rowMethods));
        rowMethods.forEach(type::addMethod);
        type.addType(workspaceType(plan, padded, acc));
        Support.addApi(type, self, inNames.size(), outNames.size(), plan.slotSizes().length);
        Support.addHelpers(type);

        JavaFile file = JavaFile.builder(packageName, type.build()).skipJavaLangImports(true)
                .addFileComment("Generated by cnnc from model $S. Do not edit.", fused.name()).indent("    ").build();
        long peak = plan.peakBytes(1);
        return new JavaModel(packageName, className, file.toString(), weightNames, weightShapes, inNames, inShapes,
                outNames, outShapes, outBatched, peak);
    }

    /** Every Keras weight of the model's layers (members of fused groups included), keyed layer.weight. */
    private static Map<String, long[]> weightShapes(Graph fused, Map<String, Shape> shapes) {
        Map<String, long[]> out = new HashMap<>();
        for (Node n : fused.nodes()) {
            List<Node> layers = n.op() instanceof FusedOp f ? f.members() : List.of(n);
            for (Node l : layers) {
                for (var w : l.op().weights(l.attrs(), l.inputs().stream().map(shapes::get).toList())) {
                    out.put(l.op().weightLayer(l.attrs(), l.name()) + "." + w.name(), w.shape().dims());
                }
            }
        }
        return out;
    }

    private static String safe(String name) {
        String s = name.replaceAll("[^A-Za-z0-9_]", "_");
        return s.length() > 40 ? s.substring(0, 40) : s;
    }

    private static CodeBlock javadoc(Graph g, List<Node> groups, MemoryPlan plan) {
        CodeBlock.Builder b = CodeBlock.builder();
        b.add("Model {@code $L}, compiled by cnnc: one method per fused group.\n\n<pre>\n", g.name());
        for (GraphInput in : g.inputs()) {
            b.add("input  $L : $L\n", in.name(), in.shape());
        }
        for (Node n : groups) {
            String what = n.op() instanceof FusedOp f ? f.describe() : n.op().name() + "[" + n.name() + "]";
            b.add("$L : $L\n", what.replace("*/", "* /").replace("@", "{@literal @}"), n.shape());
        }
        b.add("</pre>\n\nActivation memory: $L slot(s), $L bytes per example.\n", plan.slotSizes().length,
                plan.peakBytes(1));
        return b.build();
    }

    private static FieldSpec constant(TypeName type, String name, CodeBlock init) {
        return FieldSpec.builder(type, name, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL).initializer(init)
                .build();
    }

    private static CodeBlock strings(List<String> values) {
        CodeBlock.Builder b = CodeBlock.builder().add("{");
        for (int i = 0; i < values.size(); i++) {
            b.add(i == 0 ? "$S" : ", $S", values.get(i));
        }
        return b.add("}").build();
    }

    private static CodeBlock ints(List<long[]> values) {
        CodeBlock.Builder b = CodeBlock.builder().add("{");
        for (int i = 0; i < values.size(); i++) {
            b.add(i == 0 ? "{" : ", {");
            long[] v = values.get(i);
            for (int j = 0; j < v.length; j++) {
                b.add(j == 0 ? "$L" : ", $L", v[j]);
            }
            b.add("}");
        }
        return b.add("}").build();
    }

    /** Runs every group, in order, on examples [b0, b0 + n) with the worker's workspace. */
    private static MethodSpec runChunk(Graph g, List<Node> groups, List<Kernel> kernels, MemoryPlan plan,
            ClassName workspace, List<MethodSpec> rowMethods) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("runChunk").addModifiers(Modifier.PRIVATE)
                .addJavadoc("Runs the groups in order on examples [b0, b0 + n). With {@code split}, groups of more"
                        + " than $L MACs an example divide their output rows among the workers.\n", SPLIT_MACS)
                .addParameter(float[][].class, "inputs").addParameter(float[][].class, "outputs")
                .addParameter(int.class, "b0").addParameter(int.class, "n").addParameter(workspace, "ws")
                .addParameter(boolean.class, "split");
        MethodSpec.Builder rows = MethodSpec.methodBuilder("rowShare").addModifiers(Modifier.PRIVATE)
                .addJavadoc("Worker {@code w}'s share of the rows of group {@code jobGroup}, with its own scratch.\n")
                .addParameter(int.class, "w")
                .addCode("int r0 = (int) ((long) jobRows * w / threads);\n"
                        + "int r1 = (int) ((long) jobRows * (w + 1) / threads);\n"
                        + "float[][] inputs = jobIn;\nfloat[][] outputs = jobOut;\nint b0 = jobB0;\nint n = jobN;\n"
                        + "$T ws = jobWs;\n$T scratch = space(w, n);\n"
                        + "switch (jobGroup) {\n", workspace, workspace);
        for (int k = 0; k < groups.size(); k++) {
            Node n = groups.get(k);
            Kernel kernel = kernels.get(k);
            StringBuilder args = new StringBuilder();
            for (String in : n.inputs()) {
                args.append(location(g, plan, in)).append(", ");
            }
            args.append(location(g, plan, n.name())).append(", n");
            int count = Math.max(1, kernel.rows());
            String name = kernel.method().name;
            if (count > 1 && anchorMacs(n, g) >= SPLIT_MACS) {
                m.addCode("if (split) {\n"
                        + "  jobGroup = $L;\n  jobN = n;\n  jobB0 = b0;\n  jobWs = ws;\n  jobRows = $L;\n"
                        + "  team().run(threads, rowTask);\n"
                        + "} else {\n"
                        + "  $L($L, 0, $L, ws);\n"
                        + "}\n", k, count, name, args, count);
                rows.addCode("  case $L: $L($L, r0, r1, scratch); break;\n", k, name, args);
            } else {
                m.addCode("$L($L, 0, $L, ws);\n", name, args, count);
            }
        }
        rows.addCode("  default: throw new IllegalStateException(\"group \" + jobGroup + \" is not split\");\n}\n");
        rowMethods.add(rows.build());
        return m.build();
    }

    /** Groups with at least this many MACs per example split their rows across workers when the batch is small. */
    static final long SPLIT_MACS = 2_000_000;

    private static long anchorMacs(Node n, Graph g) {
        Node anchor = n.op() instanceof FusedOp f ? f.anchor() : n;
        if (anchor == null) {
            return 0;
        }
        List<Shape> ins = new ArrayList<>();
        for (String i : anchor.inputs()) {
            ins.add(g.shapeOf(i) != null ? g.shapeOf(i) : null);
        }
        if (ins.contains(null)) {
            return 0;
        }
        return anchor.op().macs(anchor.attrs(), ins, anchor.shape());
    }

    /** "array, offset" of a value for examples starting at b0. */
    private static String location(Graph g, MemoryPlan plan, String value) {
        MemoryPlan.Location l = plan.location(value);
        return switch (l.kind()) {
            case INPUT -> "inputs[" + l.index() + "], b0 * " + g.inputs().get(l.index()).shape().size();
            case OUTPUT -> "outputs[" + l.index() + "], b0 * " + g.shapeOf(g.outputs().get(l.index())).size();
            case SLOT -> "ws.s" + l.index() + ", 0";
        };
    }

    private static TypeSpec workspaceType(MemoryPlan plan, long padded, long acc) {
        TypeSpec.Builder t = TypeSpec.classBuilder("Workspace").addModifiers(Modifier.PRIVATE, Modifier.STATIC,
                Modifier.FINAL).addJavadoc("One worker's buffers for up to {@code capacity} examples: activation"
                + " slots (from the memory plan), the padded-image scratch and accumulators.\n");
        t.addField(int.class, "capacity", Modifier.FINAL);
        MethodSpec.Builder c = MethodSpec.constructorBuilder().addParameter(int.class, "capacity")
                .addCode("this.capacity = capacity;\n");
        long[] slots = plan.slotSizes();
        for (int i = 0; i < slots.length; i++) {
            t.addField(float[].class, "s" + i, Modifier.FINAL);
            c.addCode("this.s$L = new float[Math.multiplyExact(capacity, $L)];\n", i, slots[i]);
        }
        t.addField(float[].class, "xp", Modifier.FINAL);
        t.addField(float[][].class, "acc", Modifier.FINAL);
        c.addCode("this.xp = new float[$L];\n", padded);
        c.addCode("this.acc = new float[$L][$L];\n", Kernels.ACCUMULATORS, acc);
        return t.addMethod(c.build()).build();
    }
}
