package cnnc.compiler.ir;

import cnnc.compiler.diag.Span;

/** A model input: its name and the shape of one example. */
public record GraphInput(String name, Shape shape, Span span) {}
