package cnnc.compiler.ast;

import java.util.List;

/**
 * A {@link ModelFile} as canonical .cnn text: definitions separated by a blank line, one statement per line indented
 * by two spaces per level, {@code key=value} without spaces, {@code ", "} between items, and parentheses only where
 * precedence needs them. Comments and the user's layout are not kept; everything else is, so that parsing the
 * printed text gives the same AST (up to source spans). Literals keep the text they were written with.
 */
public final class AstPrinter {
    private static final String INDENT = "  ";

    private AstPrinter() {}

    public static String print(ModelFile file) {
        StringBuilder out = new StringBuilder();
        for (Decl d : file.decls()) {
            if (out.length() > 0) {
                out.append('\n');
            }
            decl(out, d);
        }
        return out.toString();
    }

    private static void decl(StringBuilder out, Decl d) {
        if (d instanceof Decl.Block b) {
            out.append("block ").append(b.name()).append('(');
            for (int i = 0; i < b.params().size(); i++) {
                Param p = b.params().get(i);
                out.append(i > 0 ? ", " : "").append(p.name());
                if (p.defaultValue() != null) {
                    out.append('=').append(expr(p.defaultValue()));
                }
            }
            out.append(") {\n");
        } else {
            out.append("model ").append(d.name()).append(" {\n");
        }
        statements(out, d.body(), 1);
        out.append("}\n");
    }

    private static void statements(StringBuilder out, List<Stmt> body, int depth) {
        for (Stmt s : body) {
            out.append(INDENT.repeat(depth));
            statement(out, s, depth);
            out.append('\n');
        }
    }

    private static void statement(StringBuilder out, Stmt s, int depth) {
        if (s instanceof Stmt.Input in) {
            // `input [..]` is the anonymous input, named `input`: a keyword, so it cannot be written as a name.
            if (in.name().equals("input") && in.shape() != null) {
                out.append("input ");
            } else {
                out.append("input ").append(in.name());
                if (in.shape() != null) {
                    out.append(": ");
                }
            }
            if (in.shape() != null) {
                out.append('[').append(join(in.shape().stream().map(AstPrinter::expr).toList())).append(']');
            }
        } else if (s instanceof Stmt.Output o) {
            out.append("output ").append(join(o.names().stream().map(Ref::name).toList()));
        } else if (s instanceof Stmt.Settings st) {
            out.append(st.block().name()).append(" {\n");
            for (Stmt.Setting x : st.settings()) {
                out.append(INDENT.repeat(depth + 1)).append(x.key().name()).append(" = ")
                        .append(x.call() != null ? call(x.call()) : expr(x.value())).append('\n');
            }
            out.append(INDENT.repeat(depth)).append('}');
        } else if (s instanceof Stmt.Repeat r) {
            if (r.target() != null) {
                out.append(r.target().name()).append(" = ");
            }
            out.append("repeat ").append(expr(r.count())).append(" {\n");
            statements(out, r.body(), depth + 1);
            out.append(INDENT.repeat(depth)).append('}');
        } else {
            Stmt.Layer l = (Stmt.Layer) s;
            if (l.target() != null) {
                out.append(l.target().name()).append(" = ");
            }
            out.append(call(l.call()));
            if (l.inputs() != null) {
                out.append('(').append(join(l.inputs().stream().map(Ref::name).toList())).append(')');
            }
        }
    }

    /** {@code Conv2D(16, kernel_size=3)}. */
    public static String call(Call c) {
        return c.callee() + "(" + join(c.args().stream()
                .map(a -> a.positional() ? expr(a.value()) : a.key() + "=" + expr(a.value())).toList()) + ")";
    }

    /** An expression as source text, parenthesised only where the grammar's precedence needs it. */
    public static String expr(Expr e) {
        if (e instanceof Expr.IntLit i) {
            return i.text();
        }
        if (e instanceof Expr.FloatLit f) {
            return f.text();
        }
        if (e instanceof Expr.StrLit s) {
            return quote(s.value());
        }
        if (e instanceof Expr.BoolLit b) {
            return b.value() ? "true" : "false";
        }
        if (e instanceof Expr.Ident id) {
            return id.name();
        }
        if (e instanceof Expr.Tuple t) {
            if (t.items().size() == 1) {
                return "(" + expr(t.items().get(0)) + ",)";
            }
            return "(" + join(t.items().stream().map(AstPrinter::expr).toList()) + ")";
        }
        if (e instanceof Expr.Unary u) {
            // A unary minus binds tighter than `*`, so a binary operand needs parentheses: -(a * b) is not -a * b.
            String operand = expr(u.operand());
            return u.op() + (u.operand() instanceof Expr.Binary ? "(" + operand + ")" : operand);
        }
        Expr.Binary b = (Expr.Binary) e;
        int p = precedence(b.op());
        String left = expr(b.left());
        String right = expr(b.right());
        if (b.left() instanceof Expr.Binary l && precedence(l.op()) < p) {
            left = "(" + left + ")";
        }
        // Left-associative: a - (b - c) keeps its parentheses, (a - b) - c needs none.
        if (b.right() instanceof Expr.Binary r && precedence(r.op()) <= p) {
            right = "(" + right + ")";
        }
        return left + " " + b.op() + " " + right;
    }

    private static int precedence(char op) {
        return op == '*' || op == '/' ? 2 : 1;
    }

    /**
     * A double-quoted string that reads back as {@code value}: backslash, quote, newline and tab are escaped (the
     * lexer allows no raw line break in a string); every other character is written as is.
     */
    static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static String join(List<String> items) {
        return String.join(", ", items);
    }
}
