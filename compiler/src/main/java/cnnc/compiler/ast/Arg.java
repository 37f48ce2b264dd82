package cnnc.compiler.ast;

import cnnc.compiler.diag.Span;

/** One argument: {@code key} is null for a positional one. */
public record Arg(String key, Span keySpan, Expr value, Span span) {
    public boolean positional() {
        return key == null;
    }
}
