package cnnc.compiler.ast;

import cnnc.compiler.diag.Diagnostic;
import cnnc.compiler.diag.SourceFile;
import cnnc.compiler.diag.Span;
import cnnc.grammar.CnnLexer;
import java.util.List;
import org.antlr.v4.runtime.Token;

/**
 * A guard against pathological input, checked on the tokens before parsing: parsing, building and evaluating an
 * expression recurse once per bracket and per operator, so a line like {@code ((((…1…))))} or {@code 1+1+…+1}
 * thousands deep would overflow the stack. At most {@value #LIMIT} brackets may be open at once, and an expression
 * may hold at most {@value #LIMIT} operators and open brackets together; real models stay far below.
 */
final class NestingLimit {
    static final int LIMIT = 256;

    private NestingLimit() {}

    /** The first place that goes past the limit, or null. */
    static Diagnostic check(SourceFile source, List<? extends Token> tokens) {
        // Operators pending at each open bracket level; level 0 is outside any bracket.
        int[] ops = new int[LIMIT + 2];
        int depth = 0;
        int pending = 0;
        for (Token t : tokens) {
            switch (t.getType()) {
                case CnnLexer.LPAREN, CnnLexer.LBRACK, CnnLexer.LBRACE -> {
                    if (depth == LIMIT) {
                        return Diagnostic.error(span(source, t), "brackets nested more than " + LIMIT + " deep");
                    }
                    ops[++depth] = 0;
                    pending++;
                }
                case CnnLexer.RPAREN, CnnLexer.RBRACK, CnnLexer.RBRACE -> {
                    if (depth > 0) {
                        pending -= ops[depth] + 1;
                        depth--;
                    }
                }
                case CnnLexer.PLUS, CnnLexer.MINUS, CnnLexer.STAR, CnnLexer.SLASH -> {
                    ops[depth]++;
                    if (++pending > LIMIT) {
                        return Diagnostic.error(span(source, t), "expression too complex: more than " + LIMIT
                                + " operators and nested brackets");
                    }
                }
                case CnnLexer.COMMA, CnnLexer.ASSIGN, CnnLexer.COLON, CnnLexer.REPEAT, CnnLexer.INPUT,
                        CnnLexer.OUTPUT, CnnLexer.MODEL, CnnLexer.BLOCK -> {
                    // A new expression starts: the operators before it are done.
                    pending -= ops[depth];
                    ops[depth] = 0;
                }
                default -> { }
            }
        }
        return null;
    }

    private static Span span(SourceFile source, Token t) {
        return new Span(source, t.getLine(), t.getCharPositionInLine() + 1, 1);
    }
}
