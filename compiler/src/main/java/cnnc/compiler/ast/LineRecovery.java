package cnnc.compiler.ast;

import cnnc.grammar.CnnParser;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;

/**
 * ANTLR's error recovery, plus one rule for a line-oriented language: a token that cannot start a statement where
 * a statement is expected (a stray character, a `)` too many) is reported, and the rest of its line is skipped, so
 * that parsing resumes at the next statement and later errors are reported too. ANTLR alone would give up on the
 * rest of the model, since a statement list may end anywhere.
 */
final class LineRecovery extends DefaultErrorStrategy {
    @Override
    public void sync(Parser recognizer) {
        if (!(recognizer.getContext() instanceof CnnParser.StatementsContext) || inErrorRecoveryMode(recognizer)) {
            super.sync(recognizer);
            return;
        }
        TokenStream tokens = recognizer.getInputStream();
        Token bad = tokens.LT(1);
        if (canContinue(bad, tokens.LT(2))) {
            super.sync(recognizer);
            return;
        }
        reportUnwantedToken(recognizer);
        recognizer.consume();
        while (true) {
            Token t = tokens.LT(1);
            int type = t.getType();
            if (type == Token.EOF || type == CnnParser.RBRACE
                    || (t.getLine() > bad.getLine() && (startsStatement(type) || startsDefinition(t, tokens.LT(2))))) {
                // Recovered: the next line's problems are new ones, to be reported too.
                endErrorCondition(recognizer);
                return;
            }
            recognizer.consume();
        }
    }

    /** Whether {@code t} can come next in a statement list: a statement, its end, or a new definition. */
    private static boolean canContinue(Token t, Token next) {
        int type = t.getType();
        return startsStatement(type) || type == CnnParser.RBRACE || type == Token.EOF || startsDefinition(t, next);
    }

    private static boolean startsStatement(int type) {
        return type == CnnParser.IDENT || type == CnnParser.INPUT || type == CnnParser.OUTPUT
                || type == CnnParser.REPEAT;
    }

    /** {@code model NAME} or {@code block NAME}: most likely a `}` is missing before it. */
    private static boolean startsDefinition(Token t, Token next) {
        return (t.getType() == CnnParser.MODEL || t.getType() == CnnParser.BLOCK) && next.getType() == CnnParser.IDENT;
    }
}
