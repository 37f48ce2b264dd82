package cnnc.compiler.lower;

import cnnc.compiler.ast.Arg;
import cnnc.compiler.ir.Value;

/** An argument after evaluation: its AST (for spans and the key) and its value. */
record BoundArg(Arg arg, Value value) {}
