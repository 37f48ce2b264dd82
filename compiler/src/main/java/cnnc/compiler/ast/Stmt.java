package cnnc.compiler.ast;

import cnnc.compiler.diag.Span;
import java.util.List;

/** A statement in a model or block body. */
public sealed interface Stmt {
    Span span();

    /** {@code input NAME: [d, ...]}, {@code input [d, ...]} (name {@code input}) or, in a block, {@code input NAME}. */
    record Input(String name, Span nameSpan, List<Expr> shape, Span span) implements Stmt {
        public Input {
            shape = shape == null ? null : List.copyOf(shape);
        }
    }

    /** {@code output a, b}. */
    record Output(List<Ref> names, Span span) implements Stmt {
        public Output {
            names = List.copyOf(names);
        }
    }

    /** {@code [name =] Layer(args)[(inputs)]}; {@code inputs} is null when no input list was written. */
    record Layer(Ref target, Call call, List<Ref> inputs, Span span) implements Stmt {
        public Layer {
            inputs = inputs == null ? null : List.copyOf(inputs);
        }
    }

    /** {@code train { key = value ... }}: the model's training settings; a value is an expression or a call. */
    record Settings(Ref block, List<Setting> settings, Span span) implements Stmt {
        public Settings {
            settings = List.copyOf(settings);
        }
    }

    /** One {@code key = value} of a settings block; exactly one of {@code value} and {@code call} is set. */
    record Setting(Ref key, Expr value, Call call, Span span) {}

    /** {@code [name =] repeat N { ... }}: the body chained N times. */
    record Repeat(Ref target, Expr count, List<Stmt> body, Span span) implements Stmt {
        public Repeat {
            body = List.copyOf(body);
        }
    }
}
