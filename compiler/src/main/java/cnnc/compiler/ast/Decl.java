package cnnc.compiler.ast;

import cnnc.compiler.diag.Span;
import java.util.List;

/** A top-level definition: a model or a block. */
public sealed interface Decl {
    String name();

    Span span();

    List<Stmt> body();

    record Model(String name, Span span, List<Stmt> body) implements Decl {
        public Model {
            body = List.copyOf(body);
        }
    }

    record Block(String name, Span span, List<Param> params, List<Stmt> body) implements Decl {
        public Block {
            params = List.copyOf(params);
            body = List.copyOf(body);
        }
    }
}
