package cnnc.compiler.ast;

import cnnc.compiler.diag.Span;
import java.util.List;

/** {@code Layer(arg, key=value, ...)}: a layer or block applied to arguments. */
public record Call(String callee, Span calleeSpan, List<Arg> args, Span span) {
    public Call {
        args = List.copyOf(args);
    }
}
