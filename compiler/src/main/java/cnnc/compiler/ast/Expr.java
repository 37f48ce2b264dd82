package cnnc.compiler.ast;

import cnnc.compiler.diag.Span;
import java.util.List;

/** An argument value as written: literals, identifiers, tuples and integer/float arithmetic over block parameters. */
public sealed interface Expr {
    Span span();

    /** An integer literal; kept as text too so that overflow is reported, not wrapped. */
    record IntLit(String text, Span span) implements Expr {}

    record FloatLit(String text, Span span) implements Expr {}

    record StrLit(String value, Span span) implements Expr {}

    record BoolLit(boolean value, Span span) implements Expr {}

    /** A bare word: a symbol such as {@code same} or {@code relu}, or a block parameter. */
    record Ident(String name, Span span) implements Expr {}

    record Tuple(List<Expr> items, Span span) implements Expr {
        public Tuple {
            items = List.copyOf(items);
        }
    }

    record Unary(char op, Expr operand, Span span) implements Expr {}

    record Binary(char op, Expr left, Expr right, Span span) implements Expr {}
}
