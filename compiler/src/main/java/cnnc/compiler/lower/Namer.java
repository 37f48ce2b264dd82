package cnnc.compiler.lower;

import cnnc.compiler.ast.Arg;
import cnnc.compiler.ast.Expr;
import cnnc.compiler.ast.Stmt;
import cnnc.compiler.ir.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts Keras auto-names per stem within one model body or block instance, skipping the names the user wrote, so
 * that an automatic name never takes a name written later in the same body. A name written inside a {@code repeat}
 * of n iterations becomes {@code name_1} ... {@code name_n} ({@code name_i_j} when repeats nest), and those names are
 * kept free as well.
 */
final class Namer {
    final Map<String, Integer> counters = new HashMap<>();
    private final Set<String> reserved = new HashSet<>();
    /** Names written in repeats: "name/depth" → the iteration counts of the enclosing repeats, outermost first. */
    private final Map<String, List<long[]>> repeated = new HashMap<>();

    /** A namer for {@code body} (whose block parameters are {@code env}) that keeps the names written in it free. */
    static Namer reserving(List<Stmt> body, Map<String, Value> env) {
        Namer n = new Namer();
        n.reserve(body, env, new long[0]);
        return n;
    }

    private void reserve(List<Stmt> body, Map<String, Value> env, long[] counts) {
        for (Stmt s : body) {
            if (s instanceof Stmt.Input in) {
                add(in.name(), counts);
            } else if (s instanceof Stmt.Layer l) {
                if (l.target() != null) {
                    add(l.target().name(), counts);
                }
                for (Arg a : l.call().args()) {
                    if ("name".equals(a.key()) && a.value() instanceof Expr.StrLit str) {
                        add(str.value(), counts);
                    } else if ("name".equals(a.key()) && a.value() instanceof Expr.Ident id) {
                        add(id.name(), counts);
                    }
                }
            } else if (s instanceof Stmt.Repeat r) {
                if (r.target() != null) {
                    add(r.target().name(), counts);
                }
                long[] inner = Arrays.copyOf(counts, counts.length + 1);
                try {
                    inner[counts.length] = Evaluator.eval(r.count(), env) instanceof Value.Int i ? i.value() : 0;
                } catch (Evaluator.EvalException e) {
                    inner[counts.length] = 0;
                }
                reserve(r.body(), env, inner);
            }
        }
    }

    private void add(String name, long[] counts) {
        if (counts.length == 0) {
            reserved.add(name);
        } else {
            repeated.computeIfAbsent(name + "/" + counts.length, k -> new ArrayList<>()).add(counts);
        }
    }

    /** Whether {@code local} is a name the user wrote, or one that a repeat iteration makes of a written name. */
    boolean isReserved(String local) {
        if (reserved.contains(local)) {
            return true;
        }
        List<Long> suffixes = new ArrayList<>();
        String base = local;
        while (true) {
            int underscore = base.lastIndexOf('_');
            if (underscore <= 0 || underscore == base.length() - 1 || underscore < base.length() - 18
                    || !digits(base, underscore + 1)) {
                return false;
            }
            suffixes.add(0, Long.parseLong(base.substring(underscore + 1)));
            base = base.substring(0, underscore);
            for (long[] counts : repeated.getOrDefault(base + "/" + suffixes.size(), List.of())) {
                if (within(suffixes, counts)) {
                    return true;
                }
            }
        }
    }

    private static boolean within(List<Long> suffixes, long[] counts) {
        for (int i = 0; i < counts.length; i++) {
            if (suffixes.get(i) < 1 || suffixes.get(i) > counts[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean digits(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
