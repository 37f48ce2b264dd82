package cnnc.compiler.lower;

import cnnc.compiler.ast.Arg;
import cnnc.compiler.ast.Decl;
import cnnc.compiler.ast.Param;
import cnnc.compiler.ast.Stmt;
import cnnc.compiler.diag.Span;
import cnnc.compiler.diag.Suggestions;
import cnnc.compiler.ir.Value;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Binds a block call's arguments to the block's parameters (spec §6): positional, then keywords, then defaults. */
final class BlockArgs {
    private BlockArgs() {}

    /**
     * The parameter values of one use of {@code block}: the arguments bound as Python binds a call, then the defaults
     * of the rest, evaluated in order (a default may use the parameters before it). Null when an error was reported.
     * {@code earlierErrors} says an argument already failed to evaluate, so a parameter that seems missing is not
     * reported again.
     */
    static Map<String, Value> bind(Decl.Block block, Stmt.Layer l, List<BoundArg> args, boolean earlierErrors,
            Errors errors) {
        Map<String, Value> env = new LinkedHashMap<>();
        Map<String, Span> given = new HashMap<>();
        boolean ok = true;
        boolean seenKeyword = false;
        int position = 0;
        List<Param> params = block.params();
        for (BoundArg b : args) {
            Arg a = b.arg();
            String key;
            if (a.positional()) {
                if (seenKeyword) {
                    errors.error(a.span(), "positional argument follows keyword argument");
                    ok = false;
                    continue;
                }
                if (position >= params.size()) {
                    errors.error(a.span(), "block `" + block.name() + "` takes at most " + params.size()
                            + " positional argument" + (params.size() == 1 ? "" : "s") + ", got "
                            + args.stream().filter(x -> x.arg().positional()).count());
                    ok = false;
                    continue;
                }
                key = params.get(position++).name();
            } else {
                seenKeyword = true;
                key = a.key();
                if (params.stream().noneMatch(p -> p.name().equals(a.key()))) {
                    errors.error(a.keySpan(), "unknown argument `" + a.key() + "` for block `" + block.name() + "`"
                            + Suggestions.didYouMean(a.key(), params.stream().map(Param::name).toList()));
                    ok = false;
                    continue;
                }
            }
            if (given.containsKey(key)) {
                Span first = given.get(key);
                errors.error(a.span(), "argument `" + key + "` given twice (first at " + first.line() + ":"
                        + first.column() + ")");
                ok = false;
                continue;
            }
            given.put(key, a.span());
            env.put(key, b.value());
        }
        for (Param p : params) {
            if (env.containsKey(p.name())) {
                continue;
            }
            if (p.defaultValue() == null) {
                // After a bad argument the "missing" one is most likely that argument, already reported.
                if (ok && !earlierErrors) {
                    errors.error(l.call().calleeSpan(), "block `" + block.name()
                            + "` is missing its required argument `" + p.name() + "`");
                }
                ok = false;
                continue;
            }
            try {
                env.put(p.name(), Evaluator.eval(p.defaultValue(), env));
            } catch (Evaluator.EvalException ex) {
                errors.error(ex.at().span(), ex.getMessage());
                ok = false;
            }
        }
        return ok ? env : null;
    }
}
