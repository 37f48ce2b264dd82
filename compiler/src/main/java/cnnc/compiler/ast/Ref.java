package cnnc.compiler.ast;

import cnnc.compiler.diag.Span;

/** A name as written at one place: a statement's target, an input reference or an output. */
public record Ref(String name, Span span) {}
