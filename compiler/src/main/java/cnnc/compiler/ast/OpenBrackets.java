package cnnc.compiler.ast;

import cnnc.grammar.CnnLexer;
import java.util.ArrayDeque;
import java.util.Deque;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;

/**
 * The brackets still open at a point of the token stream, each with what it opened ("model `M`", "`Conv2D(`"), so
 * that a syntax error can say "missing `}` to close model `M`". Scans forward incrementally: syntax errors arrive in
 * token order, so a file with many errors is still scanned once.
 */
final class OpenBrackets {
    /** One open bracket: its token, a description of what it opened, and the layer or block it calls (or null). */
    record Open(Token token, String what, String callee) {
        Open(Token token, String what) {
            this(token, what, null);
        }

        char closer() {
            return switch (token.getType()) {
                case CnnLexer.LBRACE -> '}';
                case CnnLexer.LBRACK -> ']';
                default -> ')';
            };
        }
    }

    private final TokenStream tokens;
    private final Deque<Open> stack = new ArrayDeque<>();
    private int scanned;
    private String pendingOwner;
    private Token previous;

    OpenBrackets(TokenStream tokens) {
        this.tokens = tokens;
    }

    /** The innermost bracket open before token index {@code upTo}, or null. */
    Open innermost(int upTo) {
        scanTo(upTo);
        return stack.peek();
    }

    /** The last token on the default channel before token index {@code upTo}, or null. */
    Token previous(int upTo) {
        scanTo(upTo);
        return previous;
    }

    private void scanTo(int upTo) {
        if (upTo < scanned) {
            stack.clear();
            scanned = 0;
            pendingOwner = null;
            previous = null;
        }
        for (; scanned < upTo && scanned < tokens.size(); scanned++) {
            Token t = tokens.get(scanned);
            if (t.getChannel() != Token.DEFAULT_CHANNEL || t.getType() == Token.EOF) {
                continue;
            }
            step(t);
            previous = t;
        }
    }

    private void step(Token t) {
        switch (t.getType()) {
            case CnnLexer.IDENT -> {
                if (previous != null && previous.getType() == CnnLexer.MODEL) {
                    pendingOwner = "model `" + t.getText() + "`";
                } else if (previous != null && previous.getType() == CnnLexer.BLOCK) {
                    pendingOwner = "block `" + t.getText() + "`";
                }
            }
            case CnnLexer.REPEAT -> pendingOwner = "`repeat`";
            case CnnLexer.LBRACE -> {
                stack.push(new Open(t, pendingOwner == null ? "`{`" : pendingOwner));
                pendingOwner = null;
            }
            case CnnLexer.LPAREN -> {
                if (previous != null && previous.getType() == CnnLexer.IDENT) {
                    stack.push(new Open(t, "`" + previous.getText() + "(`", previous.getText()));
                } else {
                    stack.push(new Open(t, previous != null && previous.getType() == CnnLexer.RPAREN
                            ? "the input list `(`" : "`(`"));
                }
            }
            case CnnLexer.LBRACK -> stack.push(new Open(t, "the shape `[`"));
            case CnnLexer.RBRACE, CnnLexer.RPAREN, CnnLexer.RBRACK -> {
                if (!stack.isEmpty()) {
                    stack.pop();
                }
            }
            default -> { }
        }
    }
}
