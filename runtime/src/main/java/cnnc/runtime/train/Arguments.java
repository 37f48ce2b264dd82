package cnnc.runtime.train;

import cnnc.compiler.diag.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one {@link CallSpec} bound to a signature the way Python binds them: positional ones in the
 * signature's order, then keywords (case-insensitive, with aliases such as Keras' {@code lr}); each given at most once.
 * The typed getters check the type and report a bad value naming the owner and the argument.
 */
final class Arguments {
    private final String owner;
    private final Map<String, CallSpec.Value> values = new LinkedHashMap<>();

    private Arguments(String owner) {
        this.owner = owner;
    }

    /**
     * Binds {@code call}'s arguments to {@code params}.
     *
     * @param owner       the canonical name for messages ({@code "adam"})
     * @param aliases     other names for parameters ({@code lr -> learning_rate})
     * @param unsupported Keras arguments that cnnc knows but does not implement, reported as such
     */
    static Arguments bind(CallSpec call, String owner, List<String> params, Map<String, String> aliases,
                          Set<String> unsupported) {
        Arguments a = new Arguments(owner);
        Map<String, String> spelled = new LinkedHashMap<>();
        boolean keywords = false;
        int position = 0;
        for (CallSpec.Arg arg : call.args()) {
            String param;
            if (arg.key() == null) {
                if (keywords) {
                    throw a.error("a positional argument (`" + arg.value().text() + "`) follows a keyword argument; "
                            + "name it, as in `" + params.get(Math.min(position, params.size() - 1)) + "=...`");
                }
                if (position >= params.size()) {
                    long given = call.args().stream().filter(x -> x.key() == null).count();
                    throw new IllegalArgumentException(owner + " takes at most " + params.size()
                            + " positional argument" + (params.size() == 1 ? "" : "s") + " (" + String.join(", ", params) + "), but " + given
                            + " are given");
                }
                param = params.get(position++);
            } else {
                keywords = true;
                String key = arg.key().toLowerCase(Locale.ROOT);
                param = aliases.getOrDefault(key, key);
                if (!params.contains(param)) {
                    if (unsupported.contains(key)) {
                        throw a.error("`" + arg.key() + "` is a Keras argument that cnnc does not support yet");
                    }
                    List<String> candidates = new ArrayList<>(params);
                    candidates.addAll(aliases.keySet());
                    String hint = Suggestions.didYouMean(arg.key(), candidates);
                    throw new IllegalArgumentException(owner + " has no argument `" + arg.key() + "`"
                            + hint + " (it takes " + String.join(", ", params) + ")");
                }
            }
            if (a.values.containsKey(param)) {
                String before = spelled.get(param);
                String now = arg.key() == null ? param : arg.key();
                String also = before.equalsIgnoreCase(now) ? "" : " (as `" + before + "` and as `" + now + "`)";
                throw a.error("`" + param + "` is given twice" + also);
            }
            a.values.put(param, arg.value());
            spelled.put(param, arg.key() == null ? param : arg.key());
        }
        return a;
    }

    boolean has(String param) {
        return values.containsKey(param);
    }

    CallSpec.Value value(String param) {
        return values.get(param);
    }

    /** The number given for {@code param}, or {@code otherwise}. */
    double number(String param, double otherwise) {
        CallSpec.Value v = values.get(param);
        if (v == null) {
            return otherwise;
        }
        if (!(v instanceof CallSpec.Number n)) {
            throw error("`" + param + "` must be a number, not `" + v.text() + "`");
        }
        return n.value();
    }

    /** The whole number given for {@code param}, or {@code otherwise}. */
    long whole(String param, long otherwise) {
        CallSpec.Value v = values.get(param);
        if (v == null) {
            return otherwise;
        }
        double d = number(param, 0);
        if (d != Math.rint(d) || Math.abs(d) > 1e15) {
            throw error("`" + param + "` must be a whole number, not `" + v.text() + "`");
        }
        return (long) d;
    }

    /** The boolean given for {@code param} ({@code true}, {@code false}, or Python's {@code True}, {@code False}). */
    boolean bool(String param, boolean otherwise) {
        CallSpec.Value v = values.get(param);
        if (v == null) {
            return otherwise;
        }
        if (v instanceof CallSpec.Word w && (w.text().equals("true") || w.text().equals("True"))) {
            return true;
        }
        if (v instanceof CallSpec.Word w && (w.text().equals("false") || w.text().equals("False"))) {
            return false;
        }
        throw error("`" + param + "` must be true or false, not `" + v.text() + "`");
    }

    /** Fails unless {@code ok}, saying {@code param must RULE} and what was given. */
    void check(boolean ok, String param, String rule) {
        if (!ok) {
            CallSpec.Value given = values.get(param);
            throw error("`" + param + "` must be " + rule + (given == null ? "" : ", not " + given.text()));
        }
    }

    IllegalArgumentException error(String problem) {
        return new IllegalArgumentException(owner + ": " + problem);
    }
}
