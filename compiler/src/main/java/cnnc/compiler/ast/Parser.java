package cnnc.compiler.ast;

import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.diag.SourceFile;
import cnnc.compiler.diag.Span;
import cnnc.grammar.CnnLexer;
import cnnc.grammar.CnnParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * Text to AST. Syntax errors are reported in words a user knows ("expected a layer call like `Conv2D(16,
 * kernel_size=3)`"), never ANTLR token names; one per line, so that recovery does not bury the real problem.
 */
public final class Parser {
    private Parser() {}

    /** Parses {@code source}; returns null (with errors in {@code diags}) when the text is not well formed. */
    public static ModelFile parse(SourceFile source, Diagnostics diags) {
        CnnLexer lexer = new CnnLexer(CharStreams.fromString(source.text(), source.name()));
        lexer.removeErrorListeners();
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        CnnParser parser = new CnnParser(tokens);
        parser.removeErrorListeners();
        FriendlyErrors errors = new FriendlyErrors(source);
        parser.addErrorListener(errors);
        CnnParser.FileContext tree;
        // SLL is linear and enough for this grammar; fall back to LL only if SLL reports a problem.
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        try {
            parser.setErrorHandler(new org.antlr.v4.runtime.BailErrorStrategy());
            tree = parser.file();
        } catch (ParseCancellationException e) {
            tokens.seek(0);
            parser.reset();
            parser.setErrorHandler(new org.antlr.v4.runtime.DefaultErrorStrategy());
            parser.getInterpreter().setPredictionMode(PredictionMode.LL);
            tree = parser.file();
        }
        if (errors.reported.isEmpty()) {
            ModelFile file = new AstBuilder(source).file(tree);
            if (file.decls().isEmpty()) {
                diags.error(source.start(), "no model in this file; expected `model NAME { ... }`");
                return null;
            }
            return file;
        }
        for (var d : errors.reported) {
            diags.add(d);
        }
        return null;
    }

    /** Turns ANTLR's syntax errors into messages about the language. */
    private static final class FriendlyErrors extends BaseErrorListener {
        private final SourceFile source;
        private final List<cnnc.compiler.diag.Diagnostic> reported = new ArrayList<>();
        private int lastLine = -1;

        FriendlyErrors(SourceFile source) {
            this.source = source;
        }

        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int col, String msg,
                RecognitionException e) {
            if (line == lastLine) {
                return;
            }
            lastLine = line;
            Token t = (Token) offendingSymbol;
            int length = t == null || t.getType() == Token.EOF || t.getText() == null ? 1 : t.getText().length();
            Span span = new Span(source, line, col + 1, length);
            CnnParser parser = (CnnParser) recognizer;
            String message = describe(parser, t);
            reported.add(cnnc.compiler.diag.Diagnostic.error(span, message));
        }

        private static String describe(CnnParser parser, Token t) {
            String found = found(t);
            if (t != null && t.getType() == CnnLexer.ERROR_CHAR) {
                String text = t.getText();
                if (text.equals("'") || text.equals("\"")) {
                    return "unterminated string: a string ends with its opening quote on the same line";
                }
                return "unexpected character " + quoteChar(text);
            }
            ParserRuleContext ctx = parser.getContext();
            IntervalSet expected;
            try {
                expected = parser.getExpectedTokens();
            } catch (RuntimeException ex) {
                expected = new IntervalSet();
            }
            int rule = ctx == null ? -1 : ctx.getRuleIndex();
            String what = switch (rule) {
                case CnnParser.RULE_file, CnnParser.RULE_definition ->
                        "expected `model NAME {` or `block NAME(PARAMS) {`";
                case CnnParser.RULE_modelDef, CnnParser.RULE_blockDef ->
                        expected.contains(CnnParser.RBRACE) && !expected.contains(CnnParser.LPAREN)
                                ? "expected a statement (a layer call like `Conv2D(16, kernel_size=3)`, `input`,"
                                        + " `output` or `repeat`) or `}`"
                                : "expected " + words(expected);
                case CnnParser.RULE_statements, CnnParser.RULE_statement ->
                        t != null && t.getType() == Token.EOF
                                ? "unexpected end of file; expected `}` to close the model or block"
                                : "expected a statement: a layer call like `Conv2D(16, kernel_size=3)`, `input`,"
                                        + " `output` or `repeat`";
                case CnnParser.RULE_layerCall, CnnParser.RULE_argument ->
                        "expected an argument like `16`, `(3, 3)` or `kernel_size=3`, or `)`";
                case CnnParser.RULE_shape -> "expected a shape like `[28, 28, 1]`";
                case CnnParser.RULE_expr -> "expected a value: a number, a name, a string or a tuple like `(3, 3)`";
                case CnnParser.RULE_param -> "expected a parameter like `filters` or `strides=1`";
                default -> "expected " + words(expected);
            };
            return what + ", found " + found;
        }

        private static String found(Token t) {
            if (t == null || t.getType() == Token.EOF) {
                return "end of file";
            }
            return "`" + t.getText() + "`";
        }

        private static String quoteChar(String text) {
            int cp = text.codePointAt(0);
            if (Character.isISOControl(cp) || Character.isWhitespace(cp)) {
                return String.format("U+%04X", cp);
            }
            return "`" + text + "`";
        }

        private static String words(IntervalSet expected) {
            List<String> names = new ArrayList<>();
            for (int type : expected.toList()) {
                String w = switch (type) {
                    case CnnParser.IDENT -> "a name";
                    case CnnParser.INTEGER -> "an integer";
                    case CnnParser.FLOAT -> "a number";
                    case CnnParser.STRING -> "a string";
                    case CnnParser.EOF -> "end of file";
                    default -> {
                        String lit = CnnParser.VOCABULARY.getLiteralName(type);
                        yield lit == null ? null : "`" + lit.substring(1, lit.length() - 1) + "`";
                    }
                };
                if (w != null && !names.contains(w)) {
                    names.add(w);
                }
            }
            if (names.isEmpty()) {
                return "something else";
            }
            if (names.size() == 1) {
                return names.get(0);
            }
            return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
        }
    }
}
