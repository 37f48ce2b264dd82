package cnnc.compiler.ast;

import cnnc.compiler.diag.Diagnostic;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.diag.SourceFile;
import cnnc.grammar.CnnLexer;
import cnnc.grammar.CnnParser;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * Text to AST. Syntax errors are reported in words a user knows ("expected a layer call like `Conv2D(16,
 * kernel_size=3)`"), never ANTLR token names (see {@link SyntaxErrors}).
 */
public final class Parser {
    private static final long DEEP_STACK_BYTES = 512L << 20;

    private Parser() {}

    /** Parses {@code source}; returns null (with errors in {@code diags}) when the text is not well formed. */
    public static ModelFile parse(SourceFile source, Diagnostics diags) {
        CnnLexer lexer = new CnnLexer(CharStreams.fromString(antlrText(source.text()), source.name()));
        lexer.removeErrorListeners();
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        tokens.fill();
        Diagnostic tooDeep = NestingLimit.check(source, tokens.getTokens());
        if (tooDeep != null) {
            // Unclosed brackets also count as nesting: a missing `)` is the likelier mistake, so report syntax errors
            // when there are any. The parse recurses once per open bracket, so it runs on a deep stack, and a
            // stack overflow there means that the nesting is real.
            List<Diagnostic> syntax = syntaxErrorsOnDeepStack(source, tokens);
            if (syntax == null || syntax.isEmpty()) {
                diags.add(tooDeep);
            } else {
                syntax.forEach(diags::add);
            }
            return null;
        }
        SyntaxErrors errors = new SyntaxErrors(source);
        CnnParser.FileContext tree = parseTree(tokens, errors);
        if (!errors.reported().isEmpty()) {
            errors.reported().forEach(diags::add);
            return null;
        }
        ModelFile file = new AstBuilder(source).file(tree);
        if (file.decls().isEmpty()) {
            diags.error(source.start(), "no model in this file; expected `model NAME { ... }`");
            return null;
        }
        return file;
    }

    private static CnnParser.FileContext parseTree(CommonTokenStream tokens, SyntaxErrors errors) {
        CnnParser parser = new CnnParser(tokens);
        parser.removeErrorListeners();
        // SLL is linear and enough for this grammar; fall back to LL (and report) only if SLL finds a problem.
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        parser.setErrorHandler(new BailErrorStrategy());
        try {
            return parser.file();
        } catch (ParseCancellationException e) {
            tokens.seek(0);
            parser.reset();
            parser.addErrorListener(errors);
            parser.setErrorHandler(new LineRecovery());
            parser.getInterpreter().setPredictionMode(PredictionMode.LL);
            return parser.file();
        }
    }

    /** The syntax errors of a deeply nested file, or null when parsing it overflows even a deep stack. */
    private static List<Diagnostic> syntaxErrorsOnDeepStack(SourceFile source, CommonTokenStream tokens) {
        SyntaxErrors errors = new SyntaxErrors(source);
        AtomicBoolean overflow = new AtomicBoolean();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                parseTree(tokens, errors);
            } catch (StackOverflowError e) {
                overflow.set(true);
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "cnnc-deep-parse", DEEP_STACK_BYTES);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return overflow.get() ? null : errors.reported();
    }

    /**
     * The text as ANTLR should see it: a lone carriage return (an old Mac line end, which {@link SourceFile} counts
     * as a line break) becomes a newline, so that ANTLR's line numbers agree with the source's. Same length, so
     * columns and offsets are unchanged.
     */
    private static String antlrText(String text) {
        if (text.indexOf('\r') < 0) {
            return text;
        }
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] == '\r' && (i + 1 >= chars.length || chars[i + 1] != '\n')) {
                chars[i] = '\n';
            }
        }
        return new String(chars);
    }
}
