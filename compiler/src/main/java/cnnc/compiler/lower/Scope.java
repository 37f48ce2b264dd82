package cnnc.compiler.lower;

import cnnc.compiler.ast.Arg;
import cnnc.compiler.ast.Expr;
import cnnc.compiler.ast.Ref;
import cnnc.compiler.ast.Stmt;
import cnnc.compiler.diag.Span;
import cnnc.compiler.diag.Suggestions;
import cnnc.compiler.ir.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Names visible at one place: a model body, a block instance, or one iteration of a repeat. */
final class Scope {
    final String prefix;
    final Map<String, Value> env;
    final Scope parent;
    final Namer namer;
    final String suffix;
    /** The statements of this scope, to tell a name used too early from one never defined. */
    final List<Stmt> body;
    final Map<String, String> names = new HashMap<>();

    Scope(String prefix, Map<String, Value> env, Scope parent, Namer namer, String suffix, List<Stmt> body) {
        this.prefix = prefix;
        this.env = env;
        this.parent = parent;
        this.namer = namer;
        this.suffix = suffix;
        this.body = body;
    }

    String lookup(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            String v = s.names.get(name);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    String resolve(Ref r, Lowering l) {
        String v = lookup(r.name());
        if (v == null) {
            for (Scope s = this; s != null; s = s.parent) {
                Span at = definedIn(s.body, r.name());
                if (at != null) {
                    l.errors.error(r.span(), "`" + r.name() + "` is used before it is defined (at " + at.line()
                            + ":" + at.column() + "); a name can be used only after the statement that defines"
                            + " it");
                    return null;
                }
            }
            for (Scope s = this; s != null; s = s.parent) {
                Span at = definedInRepeat(s.body, r.name());
                if (at != null) {
                    l.errors.error(r.span(), "`" + r.name() + "` is defined inside a `repeat` (at " + at.line() + ":"
                            + at.column() + ") and is not visible outside it; name the repeat (`r = repeat …`) to"
                            + " use its result");
                    return null;
                }
            }
            List<String> visible = new ArrayList<>();
            for (Scope s = this; s != null; s = s.parent) {
                visible.addAll(s.names.keySet());
            }
            String hint = Suggestions.didYouMean(r.name(), visible);
            l.errors.error(r.span(), "undefined name `" + r.name() + "`" + (hint.isEmpty()
                    ? "; a name can be used only after the statement that defines it" : hint));
            return null;
        }
        return v;
    }

    void bind(Ref target, String value) {
        if (target != null) {
            names.put(target.name(), value);
        }
    }

    String explicitName(Ref target, Lowering l) {
        String full = prefix + target.name() + suffix;
        if (!l.define(full, target.span())) {
            names.put(target.name(), Lowering.POISON);
            return null;
        }
        return full;
    }

    /** The next automatic name for {@code stem}: its local form and its graph-wide form. */
    String[] autoName(String stem, Lowering l) {
        while (true) {
            int k = namer.counters.merge(stem, 1, Integer::sum) - 1;
            String local = k == 0 ? stem : stem + "_" + k;
            String full = prefix + local;
            if (!namer.isReserved(local) && !l.usedNames.contains(full) && lookup(local) == null) {
                l.define(full, null);
                return new String[] {local, full};
            }
        }
    }

    /** Where {@code name} is written as a definition inside a repeat among {@code body}'s statements, or null. */
    private static Span definedInRepeat(List<Stmt> body, String name) {
        for (Stmt s : body) {
            if (s instanceof Stmt.Repeat r) {
                Span at = definedIn(r.body(), name);
                if (at == null) {
                    at = definedInRepeat(r.body(), name);
                }
                if (at != null) {
                    return at;
                }
            }
        }
        return null;
    }

    /** Where {@code name} is written as a definition among {@code body}'s own statements, or null. */
    private static Span definedIn(List<Stmt> body, String name) {
        for (Stmt s : body) {
            if (s instanceof Stmt.Input in && in.name().equals(name)) {
                return in.nameSpan();
            }
            Ref target = s instanceof Stmt.Layer l ? l.target() : s instanceof Stmt.Repeat r ? r.target() : null;
            if (target != null && target.name().equals(name)) {
                return target.span();
            }
            if (s instanceof Stmt.Layer l) {
                for (Arg a : l.call().args()) {
                    if ("name".equals(a.key()) && (a.value() instanceof Expr.StrLit str && str.value().equals(name)
                            || a.value() instanceof Expr.Ident id && id.name().equals(name))) {
                        return a.span();
                    }
                }
            }
        }
        return null;
    }
}
