package cnnc.compiler.ast;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random syntactically valid ASTs (spans left null): every statement and expression form, names that are not
 * keywords, literals in every lexical form, strings with quotes, backslashes, tabs and newlines. Nesting is bounded
 * so that trees stay small.
 */
final class RandomAst {
    private static final Set<String> KEYWORDS = Set.of("model", "block", "input", "output", "repeat", "true", "True",
            "false", "False");
    private static final String[] INTS = {"0", "1", "3", "16", "1_000", "9223372036854775807", "007"};
    private static final String[] FLOATS = {"0.5", "2.", ".5", "1e-3", "1.001e-05", "1E5", "1_000.5", "3e+2"};
    private static final String STRING_CHARS = "ab Z_09'\"\\\n\t#{}()é€";

    private final Random random;

    RandomAst(Random random) {
        this.random = random;
    }

    ModelFile file() {
        List<Decl> decls = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            if (random.nextInt(3) == 0) {
                List<Param> params = new ArrayList<>();
                for (int p = random.nextInt(4); p > 0; p--) {
                    params.add(new Param(name(), random.nextBoolean() ? null : expr(2), null));
                }
                decls.add(new Decl.Block(name(), null, params, statements(2)));
            } else {
                decls.add(new Decl.Model(name(), null, statements(2)));
            }
        }
        return new ModelFile(null, decls);
    }

    private List<Stmt> statements(int depth) {
        List<Stmt> out = new ArrayList<>();
        for (int n = random.nextInt(5); n > 0; n--) {
            out.add(statement(depth));
        }
        return out;
    }

    private Stmt statement(int depth) {
        switch (random.nextInt(depth > 0 ? 6 : 5)) {
            case 0 -> {
                if (random.nextBoolean()) {
                    return new Stmt.Input("input", null, shape(), null);
                }
                return new Stmt.Input(name(), null, random.nextBoolean() ? null : shape(), null);
            }
            case 1 -> {
                return new Stmt.Output(refs(1 + random.nextInt(3)), null);
            }
            case 5 -> {
                return new Stmt.Repeat(random.nextBoolean() ? null : ref(), expr(1), statements(depth - 1), null);
            }
            default -> {
                List<Ref> inputs = switch (random.nextInt(3)) {
                    case 0 -> null;
                    case 1 -> List.of();
                    default -> refs(1 + random.nextInt(3));
                };
                return new Stmt.Layer(random.nextBoolean() ? null : ref(), call(), inputs, null);
            }
        }
    }

    private List<Expr> shape() {
        List<Expr> dims = new ArrayList<>();
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            dims.add(expr(1));
        }
        return dims;
    }

    private Call call() {
        List<Arg> args = new ArrayList<>();
        for (int n = random.nextInt(5); n > 0; n--) {
            args.add(random.nextBoolean() ? new Arg(null, null, expr(3), null)
                    : new Arg(name(), null, expr(3), null));
        }
        return new Call(name(), null, args, null);
    }

    Expr expr(int depth) {
        int kind = random.nextInt(depth > 0 ? 10 : 6);
        return switch (kind) {
            case 0 -> new Expr.IntLit(INTS[random.nextInt(INTS.length)], null);
            case 1 -> new Expr.FloatLit(FLOATS[random.nextInt(FLOATS.length)], null);
            case 2 -> new Expr.StrLit(string(), null);
            case 3 -> new Expr.BoolLit(random.nextBoolean(), null);
            case 4, 5 -> new Expr.Ident(name(), null);
            case 6 -> new Expr.Unary(random.nextBoolean() ? '-' : '+', expr(depth - 1), null);
            case 7 -> {
                List<Expr> items = new ArrayList<>();
                for (int n = random.nextInt(4); n > 0; n--) {
                    items.add(expr(depth - 1));
                }
                yield new Expr.Tuple(items, null);
            }
            default -> new Expr.Binary("+-*/".charAt(random.nextInt(4)), expr(depth - 1), expr(depth - 1), null);
        };
    }

    private String string() {
        StringBuilder s = new StringBuilder();
        for (int n = random.nextInt(6); n > 0; n--) {
            s.append(STRING_CHARS.charAt(random.nextInt(STRING_CHARS.length())));
        }
        return s.toString();
    }

    private List<Ref> refs(int n) {
        List<Ref> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(ref());
        }
        return out;
    }

    private Ref ref() {
        return new Ref(name(), null);
    }

    String name() {
        String first = "abcxyzABCXYZ_";
        String rest = "abcz_019";
        while (true) {
            StringBuilder s = new StringBuilder().append(first.charAt(random.nextInt(first.length())));
            for (int n = random.nextInt(6); n > 0; n--) {
                s.append(rest.charAt(random.nextInt(rest.length())));
            }
            // Also names that start like keywords, which the lexer must not split.
            String name = random.nextInt(8) == 0 ? "input" + s : s.toString();
            if (!KEYWORDS.contains(name)) {
                return name;
            }
        }
    }
}
