package cnnc.compiler.ast;

import cnnc.compiler.diag.Diagnostic;
import cnnc.compiler.diag.SourceFile;
import cnnc.compiler.diag.Span;
import cnnc.grammar.CnnLexer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.antlr.v4.runtime.Token;

/**
 * A guard against pathological input, checked on the tokens before parsing: parsing, building and evaluating an
 * expression recurse once per bracket and per operator, so a line like {@code ((((…1…))))} or {@code 1+1+…+1}
 * thousands deep would overflow the stack (and make the parser's lookahead quadratic). At most {@value #LIMIT}
 * brackets may be open at once, and an expression may hold at most {@value #LIMIT} operators and open brackets
 * together; real models stay far below. When the brackets open at the limit include one that is never closed, that
 * one is reported instead: many unclosed brackets are more likely missing `)`s than deliberate nesting.
 */
final class NestingLimit {
    static final int LIMIT = 256;

    private NestingLimit() {}

    /** The first place that goes past the limit, or null. */
    static Diagnostic check(SourceFile source, List<? extends Token> tokens) {
        // Operators pending at each open bracket level; level 0 is outside any bracket.
        int[] ops = new int[LIMIT + 2];
        Deque<Token> open = new ArrayDeque<>();
        int pending = 0;
        for (Token t : tokens) {
            switch (t.getType()) {
                case CnnLexer.LPAREN, CnnLexer.LBRACK, CnnLexer.LBRACE -> {
                    if (open.size() == LIMIT) {
                        return tooDeep(source, tokens, open, t);
                    }
                    open.push(t);
                    ops[open.size()] = 0;
                    pending++;
                }
                case CnnLexer.RPAREN, CnnLexer.RBRACK, CnnLexer.RBRACE -> {
                    if (!open.isEmpty()) {
                        pending -= ops[open.size()] + 1;
                        open.pop();
                    }
                }
                case CnnLexer.PLUS, CnnLexer.MINUS, CnnLexer.STAR, CnnLexer.SLASH -> {
                    ops[open.size()]++;
                    if (++pending > LIMIT) {
                        return Diagnostic.error(span(source, t), "expression too complex: more than " + LIMIT
                                + " operators and nested brackets");
                    }
                }
                case CnnLexer.COMMA, CnnLexer.ASSIGN, CnnLexer.COLON, CnnLexer.REPEAT, CnnLexer.INPUT,
                        CnnLexer.OUTPUT, CnnLexer.MODEL, CnnLexer.BLOCK -> {
                    // A new expression starts: the operators before it are done.
                    pending -= ops[open.size()];
                    ops[open.size()] = 0;
                }
                default -> { }
            }
        }
        return null;
    }

    private static Diagnostic tooDeep(SourceFile source, List<? extends Token> tokens, Deque<Token> open, Token at) {
        Set<Token> unclosed = unclosed(tokens);
        var outermostFirst = open.descendingIterator();
        while (outermostFirst.hasNext()) {
            Token o = outermostFirst.next();
            if (unclosed.contains(o)) {
                return Diagnostic.error(span(source, o), "missing `" + closer(o) + "`: this `" + o.getText()
                        + "` is never closed");
            }
        }
        return Diagnostic.error(span(source, at), "brackets nested more than " + LIMIT + " deep");
    }

    /** The opening brackets that no closing bracket of their kind matches (a closer pops the openers above it). */
    private static Set<Token> unclosed(List<? extends Token> tokens) {
        Set<Token> out = new HashSet<>();
        Deque<Token> stack = new ArrayDeque<>();
        Map<Character, Integer> openOfKind = new HashMap<>();
        for (Token t : tokens) {
            int type = t.getType();
            if (type == CnnLexer.LPAREN || type == CnnLexer.LBRACK || type == CnnLexer.LBRACE) {
                stack.push(t);
                openOfKind.merge(closer(t), 1, Integer::sum);
            } else if (type == CnnLexer.RPAREN || type == CnnLexer.RBRACK || type == CnnLexer.RBRACE) {
                char c = t.getText().charAt(0);
                if (openOfKind.getOrDefault(c, 0) > 0) {
                    Token o;
                    do {
                        o = stack.pop();
                        openOfKind.merge(closer(o), -1, Integer::sum);
                        if (closer(o) != c) {
                            out.add(o);
                        }
                    } while (closer(o) != c);
                }
            }
        }
        out.addAll(stack);
        return out;
    }

    private static char closer(Token open) {
        return switch (open.getType()) {
            case CnnLexer.LPAREN -> ')';
            case CnnLexer.LBRACK -> ']';
            default -> '}';
        };
    }

    private static Span span(SourceFile source, Token t) {
        return new Span(source, t.getLine(), t.getCharPositionInLine() + 1, 1);
    }
}
