package cnnc.compiler.ast;

import cnnc.compiler.diag.Span;

/** A block parameter, with its default value or null when it is required. */
public record Param(String name, Expr defaultValue, Span span) {}
