package cnnc.compiler.lower;

import cnnc.compiler.ast.Arg;
import cnnc.compiler.ast.Expr;
import cnnc.compiler.ast.Stmt;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts Keras auto-names per stem within one model body or block instance, skipping the names the user wrote, so
 * that an automatic name never takes a name written later in the same body. A name written inside a {@code repeat}
 * becomes {@code name_k} in the k-th iteration ({@code name_j_k} when repeats nest), so every {@code name_…} with
 * numeric suffixes is kept free as well.
 */
final class Namer {
    final Map<String, Integer> counters = new HashMap<>();
    private final Set<String> reserved = new HashSet<>();
    private final Set<String> repeatedStems = new HashSet<>();

    /** A namer for {@code body} that keeps the names written in it free. */
    static Namer reserving(List<Stmt> body) {
        Namer n = new Namer();
        n.reserve(body, false);
        return n;
    }

    private void reserve(List<Stmt> body, boolean inRepeat) {
        Set<String> into = inRepeat ? repeatedStems : reserved;
        for (Stmt s : body) {
            if (s instanceof Stmt.Input in) {
                into.add(in.name());
            } else if (s instanceof Stmt.Layer l) {
                if (l.target() != null) {
                    into.add(l.target().name());
                }
                for (Arg a : l.call().args()) {
                    if ("name".equals(a.key()) && a.value() instanceof Expr.StrLit str) {
                        into.add(str.value());
                    } else if ("name".equals(a.key()) && a.value() instanceof Expr.Ident id) {
                        into.add(id.name());
                    }
                }
            } else if (s instanceof Stmt.Repeat r) {
                if (r.target() != null) {
                    into.add(r.target().name());
                }
                reserve(r.body(), true);
            }
        }
    }

    /** Whether {@code local} is a name the user wrote (or one a repeat iteration turns a written name into). */
    boolean isReserved(String local) {
        if (reserved.contains(local)) {
            return true;
        }
        String base = local;
        while (true) {
            int underscore = base.lastIndexOf('_');
            if (underscore <= 0 || underscore == base.length() - 1 || !digits(base, underscore + 1)) {
                return false;
            }
            base = base.substring(0, underscore);
            if (repeatedStems.contains(base)) {
                return true;
            }
        }
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
