package cnnc.compiler.lower;

import cnnc.compiler.ast.Arg;
import cnnc.compiler.ast.Decl;
import cnnc.compiler.ast.Expr;
import cnnc.compiler.ast.ModelFile;
import cnnc.compiler.ast.Param;
import cnnc.compiler.ast.Ref;
import cnnc.compiler.ast.Stmt;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.diag.Span;
import cnnc.compiler.diag.Suggestions;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.GraphInput;
import cnnc.compiler.ir.Naming;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Op;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.ShapeException;
import cnnc.compiler.ir.Value;
import cnnc.compiler.ops.OpRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AST to IR: resolves names, binds arguments to the op registry's schemas, expands blocks and repeats, and gives
 * unnamed layers Keras' automatic names. Shapes are left to {@code InferShapes}.
 *
 * <p>Naming (see spec/language.md): unnamed layers are named {@code stem}, {@code stem_1}, ... per op class within
 * the model; a block instance named {@code b} prefixes the layers it expands to with {@code b/}, and counts their
 * automatic names afresh; inside the k-th iteration of a repeat, names written in the body get the suffix
 * {@code _k}. Every IR value name is therefore unique and depends only on the text, not on what runs first.
 */
public final class Lowering {
    /** Marks a value whose definition failed: statements that use it are skipped without further errors. */
    static final String POISON = "\u0000poison";
    private static final int MAX_EXPANDED_NODES = 200_000;
    /** Block expansion recurses once per level; real models nest a few levels (a guard against pathological input). */
    static final int MAX_BLOCK_DEPTH = 100;

    private final ModelFile file;
    final Errors errors;
    private final Map<String, Decl.Block> blocks = new LinkedHashMap<>();
    private final List<GraphInput> inputs = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    final Set<String> usedNames = new HashSet<>();
    private final Map<String, Span> definedAt = new HashMap<>();
    private final Deque<String> expanding = new ArrayDeque<>();
    private boolean tooLarge;

    private Lowering(ModelFile file, Diagnostics diags) {
        this.file = file;
        this.errors = new Errors(diags);
        for (Decl.Block b : file.blocks()) {
            if (blocks.containsKey(b.name())) {
                errors.error(b.span(), "block `" + b.name() + "` is defined twice (first at "
                        + blocks.get(b.name()).span().line() + ":" + blocks.get(b.name()).span().column() + ")");
            } else if (OpRegistry.lookup(b.name()) != null) {
                errors.error(b.span(), "block `" + b.name() + "` has the name of a built-in layer");
            } else {
                blocks.put(b.name(), b);
            }
        }
    }

    /** Lowers {@code model}; returns null with errors in {@code diags} when it has any. */
    public static Graph lower(ModelFile file, Decl.Model model, Diagnostics diags) {
        Lowering l = new Lowering(file, diags);
        int before = diags.errorCount();
        Graph g = l.model(model);
        return diags.errorCount() > before ? null : g;
    }

    /** Picks a model by name, or the only one; reports an error and returns null otherwise. */
    public static Decl.Model select(ModelFile file, String name, Diagnostics diags) {
        List<Decl.Model> models = file.models();
        if (name != null) {
            for (Decl.Model m : models) {
                if (m.name().equals(name)) {
                    return m;
                }
            }
            diags.error(file.source().start(), "no model named `" + name + "` in this file"
                    + Suggestions.didYouMean(name, models.stream().map(Decl.Model::name).toList()));
            return null;
        }
        if (models.isEmpty()) {
            diags.error(file.source().start(), "this file defines blocks but no model; expected `model NAME { ... }`");
            return null;
        }
        if (models.size() > 1) {
            diags.error(models.get(1).span(), "this file defines several models ("
                    + String.join(", ", models.stream().map(Decl.Model::name).toList())
                    + "); choose one with --model NAME");
            return null;
        }
        return models.get(0);
    }

    private Graph model(Decl.Model model) {
        Scope top = new Scope("", Map.of(), null, Namer.reserving(model.body(), Map.of()), "", model.body());
        List<String> outputs = null;
        Span outputSpan = null;
        String prev = null;
        for (Stmt s : model.body()) {
            if (tooLarge || errors.tooMany()) {
                break;
            }
            if (s instanceof Stmt.Output out) {
                if (outputs != null) {
                    errors.error(out.span(), "a second `output` statement; list all outputs in one: `output a, b`");
                    continue;
                }
                outputs = new ArrayList<>();
                outputSpan = out.span();
                for (Ref r : out.names()) {
                    String v = top.resolve(r, this);
                    if (v != null && !v.equals(POISON)) {
                        if (outputs.contains(v)) {
                            errors.error(r.span(), "`" + r.name() + "` is listed twice as an output");
                        }
                        outputs.add(v);
                    }
                }
                continue;
            }
            if (s instanceof Stmt.Input in) {
                prev = modelInput(in);
                top.names.put(in.name(), prev);
                continue;
            }
            if (s instanceof Stmt.Settings) {
                continue;
            }
            prev = statement(s, top, prev);
        }
        // Only when nothing more specific was said: a failed input or layer statement has been reported already.
        boolean quiet = !errors.diags.hasErrors();
        if (quiet && inputs.isEmpty()) {
            errors.error(model.span(), "model `" + model.name() + "` has no input; declare one like "
                    + "`input [28, 28, 1]`");
        } else if (quiet && nodes.isEmpty()) {
            errors.error(model.span(), "model `" + model.name() + "` has no layers");
        }
        if (outputs == null) {
            outputs = prev == null || prev.equals(POISON) || nodes.isEmpty() ? List.of() : List.of(prev);
        } else if (outputs.isEmpty() && outputSpan != null && !errors.diags.hasErrors()) {
            errors.error(outputSpan, "no outputs");
        }
        return new Graph(model.name(), inputs, nodes, outputs, model.span());
    }

    private String modelInput(Stmt.Input in) {
        if (in.shape() == null) {
            errors.error(in.span(), "input `" + in.name() + "` needs a shape like `input " + in.name()
                    + ": [28, 28, 1]` (H, W, C)");
            return POISON;
        }
        long[] dims = new long[in.shape().size()];
        boolean ok = true;
        for (int i = 0; i < dims.length; i++) {
            Expr e = in.shape().get(i);
            try {
                Value v = Evaluator.eval(e, Map.of());
                if (!(v instanceof Value.Int n) || n.value() < 1 || n.value() > Integer.MAX_VALUE) {
                    errors.error(e.span(), "an input dimension must be a positive integer, got " + v);
                    ok = false;
                } else {
                    dims[i] = n.value();
                }
            } catch (Evaluator.EvalException ex) {
                errors.error(ex.at().span(), ex.getMessage());
                ok = false;
            }
        }
        if (!define(in.name(), in.nameSpan()) || !ok) {
            return POISON;
        }
        inputs.add(new GraphInput(in.name(), Shape.of(dims), in.span()));
        return in.name();
    }

    /** Lowers one layer or repeat statement; returns the name of the value it produces (or POISON). */
    private String statement(Stmt s, Scope scope, String prev) {
        if (s instanceof Stmt.Repeat r) {
            return repeat(r, scope, prev);
        }
        if (s instanceof Stmt.Input in) {
            errors.error(in.span(), "`input` belongs at the top of a model or block body");
            return POISON;
        }
        if (s instanceof Stmt.Output out) {
            errors.error(out.span(), "`output` is not allowed inside `repeat`");
            return prev;
        }
        if (s instanceof Stmt.Settings st) {
            errors.error(st.span(), "a `" + st.block().name() + " { ... }` block belongs in a model, not in a block or"
                    + " repeat");
            return prev;
        }
        Stmt.Layer l = (Stmt.Layer) s;
        String callee = l.call().callee();
        Op op = OpRegistry.lookup(callee);
        Decl.Block block = op == null ? blocks.get(callee) : null;
        if (op == null && block == null) {
            List<String> known = new ArrayList<>(OpRegistry.names());
            known.addAll(blocks.keySet());
            errors.error(l.call().calleeSpan(), "unknown layer `" + callee + "`" + Suggestions.didYouMean(callee, known));
            return define(scope, l.target(), POISON);
        }
        // Evaluate arguments, pulling out the common `name=` argument.
        List<BoundArg> args = new ArrayList<>();
        String explicitName = null;
        boolean argsOk = true;
        for (Arg a : l.call().args()) {
            Value v;
            try {
                v = Evaluator.eval(a.value(), scope.env);
            } catch (Evaluator.EvalException ex) {
                errors.error(ex.at().span(), ex.getMessage());
                argsOk = false;
                continue;
            }
            if ("name".equals(a.key())) {
                if (v instanceof Value.Str str && isName(str.value())) {
                    explicitName = str.value();
                } else if (v instanceof Value.Sym sym) {
                    explicitName = sym.name();
                } else {
                    errors.error(a.value().span(), "a layer name is a word of letters, digits and `_`, got " + v);
                    argsOk = false;
                }
                continue;
            }
            args.add(new BoundArg(a, v));
        }
        if (explicitName != null && l.target() != null && !explicitName.equals(l.target().name())) {
            errors.error(l.span(), "the layer is named twice: `" + l.target().name() + " =` and `name="
                    + explicitName + "`");
            argsOk = false;
        }
        Ref target = l.target() != null ? l.target()
                : explicitName != null ? new Ref(explicitName, l.call().span()) : null;
        // Resolve inputs.
        List<String> ins = new ArrayList<>();
        boolean inputsOk = true;
        if (l.inputs() != null) {
            for (Ref r : l.inputs()) {
                String v = scope.resolve(r, this);
                if (v == null || v.equals(POISON)) {
                    inputsOk = false;
                } else {
                    ins.add(v);
                }
            }
        } else if (prev == null) {
            errors.error(l.call().calleeSpan(), "`" + callee + "` has no input: declare the model's input first, "
                    + "like `input [28, 28, 1]`");
            inputsOk = false;
        } else if (prev.equals(POISON)) {
            inputsOk = false;
        } else {
            ins.add(prev);
        }
        if (block != null) {
            return blockCall(l, block, target, args, ins, inputsOk, argsOk, scope);
        }
        Attrs attrs = ArgBinder.bind(callee, l.call().calleeSpan(), op.args(), args, !argsOk, errors);
        if (attrs != null) {
            try {
                op.validate(attrs);
            } catch (ShapeException e) {
                Span at = e.argument() != null && attrs.span(e.argument()) != null ? attrs.span(e.argument())
                        : l.call().span();
                errors.error(at, e.getMessage());
                attrs = null;
            }
        }
        if (inputsOk && (ins.size() < op.minInputs() || ins.size() > op.maxInputs())) {
            errors.error(l.inputs() == null ? l.call().span() : l.span(), arity(op, ins.size()));
            inputsOk = false;
        }
        String name;
        if (target != null) {
            name = scope.explicitName(target, this);
        } else {
            String[] auto = scope.autoName(op.autoName(), this);
            name = auto[1];
            target = new Ref(auto[0], l.call().span());
        }
        if (name == null) {
            return POISON;
        }
        if (attrs == null || !inputsOk || !argsOk) {
            scope.bind(target, POISON);
            return POISON;
        }
        if (nodes.size() >= MAX_EXPANDED_NODES) {
            errors.error(l.span(), "the model expands to more than " + MAX_EXPANDED_NODES + " layers");
            tooLarge = true;
            return POISON;
        }
        nodes.add(new Node(name, op, attrs, ins, null, l.span()));
        scope.bind(target, name);
        return name;
    }

    private static String arity(Op op, int got) {
        if (op.minInputs() == op.maxInputs()) {
            return op.name() + " takes " + op.minInputs() + " input" + (op.minInputs() == 1 ? "" : "s") + ", got "
                    + got;
        }
        return op.name() + " takes at least " + op.minInputs() + " inputs, got " + got
                + (got == 1 ? "; list them like `" + op.name() + "()(a, b)`" : "");
    }

    private String blockCall(Stmt.Layer l, Decl.Block block, Ref target, List<BoundArg> args, List<String> ins,
            boolean inputsOk, boolean argsOk, Scope scope) {
        if (expanding.contains(block.name())) {
            List<String> chain = new ArrayList<>(expanding);
            java.util.Collections.reverse(chain);
            chain = chain.subList(chain.indexOf(block.name()), chain.size());
            errors.error(l.call().calleeSpan(), "block `" + block.name() + "` is used inside itself ("
                    + String.join(" → ", chain.stream().map(n -> "`" + n + "`").toList()) + " → `" + block.name()
                    + "`); blocks cannot be recursive");
            return define(scope, target, POISON);
        }
        if (expanding.size() >= MAX_BLOCK_DEPTH) {
            errors.error(l.call().calleeSpan(), "blocks nested more than " + MAX_BLOCK_DEPTH + " deep");
            tooLarge = true;
            return define(scope, target, POISON);
        }
        Map<String, Value> env = BlockArgs.bind(block, l, args, !argsOk, errors);
        boolean ok = inputsOk && argsOk && env != null;
        List<Stmt.Input> declared = new ArrayList<>();
        for (Stmt s : block.body()) {
            if (s instanceof Stmt.Input in) {
                declared.add(in);
            }
        }
        int wanted = Math.max(1, declared.size());
        if (ok && ins.size() != wanted) {
            errors.error(l.span(), "block `" + block.name() + "` takes " + wanted + " input" + (wanted == 1 ? "" : "s")
                    + ", got " + ins.size());
            ok = false;
        }
        String instance;
        if (target != null) {
            instance = scope.explicitName(target, this);
        } else {
            String[] auto = scope.autoName(Naming.snakeCase(block.name()), this);
            instance = auto[1];
            target = new Ref(auto[0], l.call().span());
        }
        if (instance == null || !ok) {
            return define(scope, target, POISON);
        }
        Scope inner = new Scope(instance + "/", env, null, Namer.reserving(block.body(), env), "", block.body());
        expanding.push(block.name());
        errors.context.push("in instance `" + instance + "` of block `" + block.name() + "`, used at "
                + l.span().line() + ":" + l.span().column());
        try {
            String prev = ins.get(0);
            for (int i = 0; i < declared.size(); i++) {
                inner.names.put(declared.get(i).name(), ins.get(i));
                if (declared.get(i).shape() != null) {
                    errors.error(declared.get(i).span(), "a block input takes the shape of what the block is "
                            + "applied to; write `input " + declared.get(i).name() + "` without a shape");
                }
            }
            String output = null;
            for (Stmt s : block.body()) {
                if (s instanceof Stmt.Input) {
                    continue;
                }
                if (s instanceof Stmt.Output out) {
                    if (out.names().size() != 1 || output != null) {
                        errors.error(out.span(), "a block has one output: `output NAME`");
                        continue;
                    }
                    output = inner.resolve(out.names().get(0), this);
                    if (output == null) {
                        output = POISON;
                    }
                    continue;
                }
                prev = statement(s, inner, prev);
            }
            String result = output != null ? output : prev;
            scope.bind(target, result);
            return result;
        } finally {
            errors.context.pop();
            expanding.pop();
        }
    }

    private String repeat(Stmt.Repeat r, Scope scope, String prev) {
        long count;
        try {
            Value v = Evaluator.eval(r.count(), scope.env);
            if (!(v instanceof Value.Int n) || n.value() < 1 || n.value() > MAX_EXPANDED_NODES) {
                errors.error(r.count().span(), "a repeat count must be a positive integer, got " + v);
                return define(scope, r.target(), POISON);
            }
            count = n.value();
        } catch (Evaluator.EvalException ex) {
            errors.error(ex.at().span(), ex.getMessage());
            return define(scope, r.target(), POISON);
        }
        if (r.body().isEmpty()) {
            errors.error(r.span(), "empty `repeat` body: write the layers to repeat between `{` and `}`");
            return define(scope, r.target(), POISON);
        }
        String value = prev;
        for (long i = 1; i <= count && !tooLarge && !errors.tooMany(); i++) {
            Scope iteration = new Scope(scope.prefix, scope.env, scope, scope.namer, scope.suffix + "_" + i,
                    r.body());
            for (Stmt s : r.body()) {
                value = statement(s, iteration, value);
            }
        }
        if (r.target() != null) {
            String name = scope.explicitName(r.target(), this);
            if (name != null) {
                scope.bind(r.target(), value);
            }
        }
        return value;
    }

    private String define(Scope scope, Ref target, String value) {
        if (target != null) {
            scope.names.putIfAbsent(target.name(), value);
        }
        return value;
    }

    /** Records a graph-wide value name; reports a duplicate. */
    boolean define(String irName, Span at) {
        if (!usedNames.add(irName)) {
            Span first = definedAt.get(irName);
            errors.error(at, "`" + irName + "` is already defined" + (first == null ? ""
                    : " (at " + first.line() + ":" + first.column() + ")"));
            return false;
        }
        definedAt.put(irName, at);
        return true;
    }

    private static boolean isName(String s) {
        return s.matches("[A-Za-z_][A-Za-z_0-9]*");
    }
}
