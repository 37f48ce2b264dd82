package cnnc.compiler.ast;

import cnnc.compiler.diag.Diagnostic;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.diag.SourceFile;
import cnnc.grammar.CnnLexer;
import cnnc.grammar.CnnParser;
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
    private Parser() {}

    /** Parses {@code source}; returns null (with errors in {@code diags}) when the text is not well formed. */
    public static ModelFile parse(SourceFile source, Diagnostics diags) {
        CnnLexer lexer = new CnnLexer(CharStreams.fromString(antlrText(source.text()), source.name()));
        lexer.removeErrorListeners();
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        tokens.fill();
        Diagnostic tooDeep = NestingLimit.check(source, tokens.getTokens());
        if (tooDeep != null) {
            diags.add(tooDeep);
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
