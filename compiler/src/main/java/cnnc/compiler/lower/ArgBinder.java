package cnnc.compiler.lower;

import cnnc.compiler.diag.Span;
import cnnc.compiler.diag.Suggestions;
import cnnc.compiler.ir.ArgException;
import cnnc.compiler.ir.ArgSpec;
import cnnc.compiler.ir.Attrs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds evaluated arguments to an op's schema as Python binds a call: positional arguments first, in signature
 * order, then keywords (by name or alias); each argument once; every required one given. Reports every problem.
 */
final class ArgBinder {
    private ArgBinder() {}

    /**
     * The attributes, or null when an error was reported through {@code errors}. {@code earlierErrors} says that an
     * argument of this call already failed (and is missing from {@code args}); then a required argument that seems
     * missing is most likely that one, so it is not reported again.
     */
    static Attrs bind(String callee, Span calleeSpan, List<ArgSpec> specs, List<BoundArg> args,
            boolean earlierErrors, Errors errors) {
        Map<String, BoundArg> given = new HashMap<>();
        boolean ok = true;
        boolean seenKeyword = false;
        int position = 0;
        for (BoundArg b : args) {
            if (b.arg().positional()) {
                if (seenKeyword) {
                    errors.error(b.arg().span(), "positional argument follows keyword argument");
                    ok = false;
                    continue;
                }
                if (position >= specs.size()) {
                    if (position == specs.size()) {
                        errors.error(b.arg().span(), callee + " takes at most " + specs.size()
                                + " positional argument" + (specs.size() == 1 ? "" : "s") + ", got "
                                + countPositional(args));
                    }
                    ok = false;
                    position++;
                    continue;
                }
                given.put(specs.get(position).name(), b);
                position++;
            } else {
                seenKeyword = true;
                ArgSpec spec = find(specs, b.arg().key());
                if (spec == null) {
                    List<String> names = new ArrayList<>();
                    for (ArgSpec s : specs) {
                        names.add(s.name());
                        names.addAll(s.aliases());
                    }
                    errors.error(b.arg().keySpan(), "unknown argument `" + b.arg().key() + "` for " + callee
                            + Suggestions.didYouMean(b.arg().key(), names)
                            + (specs.isEmpty() ? " (it takes no arguments)" : ""));
                    ok = false;
                    continue;
                }
                if (given.containsKey(spec.name())) {
                    BoundArg first = given.get(spec.name());
                    String as = first.arg().key() != null && !first.arg().key().equals(spec.name())
                            ? "as `" + first.arg().key() + "` " : "";
                    String here = b.arg().key().equals(spec.name()) ? "" : ", here as `" + b.arg().key() + "`";
                    errors.error(b.arg().span(), "argument `" + spec.name() + "` given twice" + here + " (first "
                            + as + "at "
                            + first.arg().span().line() + ":" + first.arg().span().column() + ")");
                    ok = false;
                    continue;
                }
                given.put(spec.name(), b);
            }
        }
        boolean quiet = earlierErrors || !ok;
        Attrs.Builder attrs = Attrs.builder();
        for (ArgSpec spec : specs) {
            BoundArg b = given.get(spec.name());
            if (b == null) {
                if (spec.required() && !quiet) {
                    errors.error(calleeSpan, callee + " is missing its required argument `" + spec.name() + "`");
                }
                ok &= !spec.required();
                attrs.put(spec.name(), spec.defaultValue(), null);
                continue;
            }
            try {
                attrs.put(spec.name(), spec.type().convert(b.value()), b.arg().span());
            } catch (ArgException e) {
                errors.error(b.arg().value().span(), "bad value for `" + spec.name() + "`: " + e.getMessage());
                ok = false;
            }
        }
        return ok ? attrs.build() : null;
    }

    private static long countPositional(List<BoundArg> args) {
        return args.stream().filter(a -> a.arg().positional()).count();
    }

    private static ArgSpec find(List<ArgSpec> specs, String key) {
        for (ArgSpec s : specs) {
            if (s.answersTo(key)) {
                return s;
            }
        }
        return null;
    }
}
