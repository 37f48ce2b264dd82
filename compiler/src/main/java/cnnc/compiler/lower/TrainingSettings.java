package cnnc.compiler.lower;

import cnnc.compiler.ast.AstPrinter;
import cnnc.compiler.ast.Decl;
import cnnc.compiler.ast.Expr;
import cnnc.compiler.ast.Stmt;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.diag.Span;
import cnnc.compiler.diag.Suggestions;
import cnnc.compiler.ir.Value;
import cnnc.compiler.passes.Grad;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A model's training settings, from its {@code train { ... }} block (spec/language.md): {@code loss} (a Keras loss
 * name), {@code optimizer} (a Keras optimizer, bare or called with arguments: {@code adam(learning_rate=0.001)}),
 * {@code batch_size}, {@code epochs}, {@code validation_split} and {@code metrics} (only {@code accuracy}). Every
 * field is null when not given; command-line flags override them. Spans point at each value for later errors.
 */
public record TrainingSettings(String loss, String optimizer, Span optimizerSpan, Integer batchSize, Integer epochs,
        Double validationSplit, List<String> metrics, Span span) {

    static final List<String> KEYS = List.of("loss", "optimizer", "batch_size", "epochs", "validation_split",
            "metrics");
    static final List<String> OPTIMIZERS = List.of("sgd", "adam", "rmsprop");

    /** The model's settings, or null when it has no {@code train} block; problems go to {@code diags}. */
    public static TrainingSettings of(Decl.Model model, Diagnostics diags) {
        TrainingSettings found = null;
        for (Stmt s : model.body()) {
            if (!(s instanceof Stmt.Settings st)) {
                continue;
            }
            if (!st.block().name().equals("train")) {
                diags.error(st.block().span(), "unknown block `" + st.block().name() + " { ... }`; the settings block"
                        + " of a model is `train { ... }`");
                continue;
            }
            if (found != null) {
                diags.error(st.block().span(), "a second `train` block; give each setting once");
                continue;
            }
            found = read(st, diags);
        }
        return found;
    }

    private static TrainingSettings read(Stmt.Settings st, Diagnostics diags) {
        String loss = null;
        String optimizer = null;
        Span optimizerSpan = null;
        Integer batch = null;
        Integer epochs = null;
        Double split = null;
        List<String> metrics = null;
        Set<String> seen = new HashSet<>();
        for (Stmt.Setting x : st.settings()) {
            String key = x.key().name();
            Span at = x.call() != null ? x.call().span() : x.value().span();
            if (!KEYS.contains(key)) {
                diags.error(x.key().span(), "unknown training setting `" + key + "`" + Suggestions.didYouMean(key, KEYS)
                        + " (known: " + String.join(", ", KEYS) + ")");
                continue;
            }
            if (!seen.add(key)) {
                diags.error(x.key().span(), "`" + key + "` is given twice");
                continue;
            }
            if (key.equals("optimizer")) {
                String name = x.call() != null ? x.call().callee() : x.value() instanceof Expr.Ident id ? id.name()
                        : x.value() instanceof Expr.StrLit sl ? callee(sl.value()) : null;
                if (name == null) {
                    diags.error(at, "expected an optimizer like `adam` or `sgd(learning_rate=0.01, momentum=0.9)`");
                } else if (!OPTIMIZERS.contains(name.toLowerCase(Locale.ROOT))) {
                    diags.error(x.call() != null ? x.call().calleeSpan() : at, "unknown optimizer `" + name + "`"
                            + Suggestions.didYouMean(name, OPTIMIZERS) + " (known: sgd, adam, rmsprop)");
                } else {
                    // A string holds the command line's spec, which may nest schedule calls.
                    optimizer = x.call() != null ? AstPrinter.call(x.call())
                            : x.value() instanceof Expr.StrLit sl ? sl.value().strip() : name;
                    optimizerSpan = at;
                }
                continue;
            }
            if (x.call() != null) {
                diags.error(at, "`" + key + "` takes a value, not a call");
                continue;
            }
            Value v;
            try {
                v = Evaluator.eval(x.value(), java.util.Map.of());
            } catch (Evaluator.EvalException e) {
                diags.error(e.at().span(), e.getMessage());
                continue;
            }
            switch (key) {
                case "loss" -> {
                    String name = v instanceof Value.Sym sy ? sy.name() : v instanceof Value.Str s2 ? s2.value() : null;
                    if (name == null || !Grad.LOSSES.contains(name)) {
                        diags.error(at, "unknown loss " + (name == null ? v.toString() : "`" + name + "`")
                                + (name == null ? "" : Suggestions.didYouMean(name, Grad.LOSSES)) + " (known: "
                                + String.join(", ", Grad.LOSSES) + ")");
                    } else {
                        loss = name;
                    }
                }
                case "batch_size", "epochs" -> {
                    if (!(v instanceof Value.Int i) || i.value() < 1 || i.value() > Integer.MAX_VALUE) {
                        diags.error(at, "`" + key + "` must be a positive integer, got " + v);
                    } else if (key.equals("epochs")) {
                        epochs = (int) i.value();
                    } else {
                        batch = (int) i.value();
                    }
                }
                case "validation_split" -> {
                    double d = v instanceof Value.Int i ? i.value() : v instanceof Value.Float f ? f.value() : -1;
                    if (!(d >= 0 && d < 1)) {
                        diags.error(at, "`validation_split` must be a fraction in [0, 1), got " + v);
                    } else {
                        split = d;
                    }
                }
                default -> {
                    List<Value> items = v instanceof Value.Tuple t ? t.items() : List.of(v);
                    metrics = new ArrayList<>();
                    for (Value m : items) {
                        String name = m instanceof Value.Sym sy ? sy.name() : m instanceof Value.Str s2 ? s2.value()
                                : String.valueOf(m);
                        if (!name.equals("accuracy") && !name.equals("acc")) {
                            diags.error(at, "unknown metric `" + name + "`; cnnc reports the loss and `accuracy`");
                        } else {
                            metrics.add("accuracy");
                        }
                    }
                }
            }
        }
        return new TrainingSettings(loss, optimizer, optimizerSpan, batch, epochs, split,
                metrics == null ? List.of() : List.copyOf(metrics), st.span());
    }

    /** The optimizer name of a spec string: what comes before its argument list. */
    private static String callee(String spec) {
        int paren = spec.indexOf('(');
        return (paren < 0 ? spec : spec.substring(0, paren)).strip();
    }
}
