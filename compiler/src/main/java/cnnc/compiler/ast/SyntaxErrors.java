package cnnc.compiler.ast;

import cnnc.compiler.diag.Diagnostic;
import cnnc.compiler.diag.SourceFile;
import cnnc.compiler.diag.Span;
import cnnc.grammar.CnnLexer;
import cnnc.grammar.CnnParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Turns ANTLR's syntax errors into messages about the language, never ANTLR token names: "missing `)` to close
 * `Conv2D(`", "expected `,` or `)` after an argument of `Dense`, found `3`". A missing closing bracket is reported
 * just after the last token before the gap (as clang does), not at the next line's first word. At most one error per
 * line, so that recovery does not bury the real problem.
 */
final class SyntaxErrors extends BaseErrorListener {
    private final SourceFile source;
    private final List<Diagnostic> reported = new ArrayList<>();
    private OpenBrackets brackets;
    private int lastLine = -1;

    SyntaxErrors(SourceFile source) {
        this.source = source;
    }

    List<Diagnostic> reported() {
        return reported;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int col, String msg,
            RecognitionException e) {
        CnnParser parser = (CnnParser) recognizer;
        if (brackets == null) {
            brackets = new OpenBrackets(parser.getTokenStream());
        }
        Token t = (Token) offendingSymbol;
        Diagnostic d = t == null ? Diagnostic.error(new Span(source, line, col + 1, 1), "syntax error")
                : describe(parser, t);
        if (d.span().line() == lastLine) {
            return;
        }
        lastLine = d.span().line();
        reported.add(d);
    }

    private Diagnostic describe(CnnParser parser, Token t) {
        Span at = span(t);
        if (t.getType() == CnnLexer.ERROR_CHAR) {
            String text = t.getText();
            if (text.equals("'") || text.equals("\"")) {
                return Diagnostic.error(at, "unterminated string: close it with " + text + " on the same line");
            }
            return Diagnostic.error(at, "unexpected character " + quoteChar(text));
        }
        if (isKeyword(t) && t.getTokenIndex() + 1 < parser.getTokenStream().size()
                && parser.getTokenStream().get(t.getTokenIndex() + 1).getType() == CnnLexer.ASSIGN) {
            return Diagnostic.error(at, "`" + t.getText() + "` is a keyword and cannot be used as a name");
        }
        IntervalSet expected = expected(parser);
        Token prev = brackets.previous(t.getTokenIndex());
        OpenBrackets.Open open = brackets.innermost(t.getTokenIndex());
        boolean eof = t.getType() == Token.EOF;
        if (t.getType() == CnnLexer.ASSIGN && prev != null && isKeyword(prev)) {
            return Diagnostic.error(span(prev), "`" + prev.getText() + "` is a keyword and cannot be used as a name");
        }
        if (t.getType() == CnnLexer.COMMA && prev != null && prev.getType() == CnnLexer.COMMA) {
            return Diagnostic.error(at, "expected a value between the two commas, found `,`");
        }
        if (isStrayCloser(t, open)) {
            return Diagnostic.error(at, "unexpected `" + t.getText() + "`: there is no open `"
                    + opener(t.getType()) + "` for it to close");
        }
        if (open != null && prev != null && (eof || (t.getLine() > prev.getLine()
                && expected.contains(closerType(open))))) {
            String opened = open.token().getLine() == prev.getLine() ? "" : " (opened at " + open.token().getLine()
                    + ":" + (open.token().getCharPositionInLine() + 1) + ")";
            return Diagnostic.error(after(prev), (eof ? "unexpected end of file: missing `" : "missing `")
                    + open.closer() + "` to close " + open.what() + opened);
        }
        if (isKeyword(t) && expected.contains(CnnParser.IDENT)) {
            return Diagnostic.error(at, "`" + t.getText() + "` is a keyword and cannot be used as a name"
                    + (t.getType() == CnnLexer.INPUT ? "; name the input (`input x: [28, 28, 1]`) to refer to it"
                            : ""));
        }
        return Diagnostic.error(at, expectation(parser, expected, open, prev) + ", found " + found(t));
    }

    private static String expectation(CnnParser parser, IntervalSet expected, OpenBrackets.Open open, Token prev) {
        ParserRuleContext ctx = parser.getContext();
        int rule = ctx == null ? -1 : ctx.getRuleIndex();
        if (open != null && open.what().startsWith("the input list")) {
            return "expected `,` or `)` in the input list";
        }
        if (rule == CnnParser.RULE_statement && prev != null && prev.getType() == CnnLexer.IDENT
                && ctx.getStart() == prev) {
            return "expected `(` or `=` after `" + prev.getText() + "`";
        }
        if ((rule == CnnParser.RULE_blockDef || rule == CnnParser.RULE_param) && expected.contains(CnnParser.COMMA)
                && expected.contains(CnnParser.RPAREN) && open != null && open.callee() != null) {
            return "expected `,` or `)` after a parameter of block `" + open.callee() + "`";
        }
        return switch (rule) {
            case CnnParser.RULE_file, CnnParser.RULE_definition -> "expected `model NAME {` or `block NAME(PARAMS) {`";
            case CnnParser.RULE_modelDef, CnnParser.RULE_blockDef ->
                    expected.contains(CnnParser.RBRACE) && !expected.contains(CnnParser.LPAREN)
                            ? "expected a statement (a layer call like `Conv2D(16, kernel_size=3)`, `input`,"
                                    + " `output` or `repeat`) or `}`"
                            : "expected " + words(expected);
            case CnnParser.RULE_statements, CnnParser.RULE_statement ->
                    "expected a statement: a layer call like `Conv2D(16, kernel_size=3)`, `input`, `output` or"
                            + " `repeat`";
            case CnnParser.RULE_layerCall, CnnParser.RULE_argument, CnnParser.RULE_expr -> {
                if (expected.contains(CnnParser.COMMA) && expected.contains(CnnParser.RPAREN)) {
                    String callee = open == null ? null : open.callee();
                    yield "expected `,` or `)`" + (callee == null ? "" : " after an argument of `" + callee + "`");
                }
                if (expected.contains(CnnParser.INTEGER) && rule != CnnParser.RULE_expr) {
                    yield "expected an argument like `16`, `(3, 3)` or `kernel_size=3`"
                            + (expected.contains(CnnParser.RPAREN) ? ", or `)`" : "");
                }
                yield expected.contains(CnnParser.INTEGER)
                        ? "expected a value: a number, a name, a string or a tuple like `(3, 3)`"
                        : "expected " + words(expected);
            }
            case CnnParser.RULE_shape -> expected.contains(CnnParser.INTEGER)
                    ? "expected a dimension of a shape like `[28, 28, 1]`"
                    : "expected `,` or `]` in a shape like `[28, 28, 1]`";
            case CnnParser.RULE_param -> "expected a parameter like `filters` or `strides=1`";
            default -> "expected " + words(expected);
        };
    }

    private static IntervalSet expected(CnnParser parser) {
        try {
            return parser.getExpectedTokens();
        } catch (RuntimeException ex) {
            return new IntervalSet();
        }
    }

    private static int closerType(OpenBrackets.Open open) {
        return switch (open.closer()) {
            case '}' -> CnnParser.RBRACE;
            case ']' -> CnnParser.RBRACK;
            default -> CnnParser.RPAREN;
        };
    }

    /** A `)` or `]` among statements, or a `}` outside any definition. */
    private static boolean isStrayCloser(Token t, OpenBrackets.Open open) {
        return switch (t.getType()) {
            case CnnLexer.RPAREN, CnnLexer.RBRACK -> open == null || open.closer() == '}';
            case CnnLexer.RBRACE -> open == null;
            default -> false;
        };
    }

    private static char opener(int closerType) {
        return switch (closerType) {
            case CnnLexer.RPAREN -> '(';
            case CnnLexer.RBRACK -> '[';
            default -> '{';
        };
    }

    private static boolean isKeyword(Token t) {
        int type = t.getType();
        return type == CnnLexer.MODEL || type == CnnLexer.BLOCK || type == CnnLexer.INPUT || type == CnnLexer.OUTPUT
                || type == CnnLexer.REPEAT;
    }

    private Span span(Token t) {
        int length = t.getType() == Token.EOF || t.getText() == null ? 1 : t.getText().length();
        return new Span(source, t.getLine(), t.getCharPositionInLine() + 1, length);
    }

    /** The position just after {@code t} (a token on one line). */
    private Span after(Token t) {
        int length = t.getText() == null ? 1 : t.getText().length();
        return new Span(source, t.getLine(), t.getCharPositionInLine() + 1 + length, 1);
    }

    private static String found(Token t) {
        if (t.getType() == Token.EOF) {
            return "end of file";
        }
        return "`" + t.getText() + "`";
    }

    private static String quoteChar(String text) {
        int cp = text.codePointAt(0);
        if (Character.isISOControl(cp) || Character.isWhitespace(cp) || !Character.isDefined(cp)) {
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
