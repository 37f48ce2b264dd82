package cnnc.compiler.ast;

import static cnnc.compiler.TestCompile.firstError;
import static cnnc.compiler.TestCompile.model;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnc.compiler.TestCompile;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Syntax and file errors as a table of (input, exact first diagnostic), after Trino's TestSqlParserErrorHandling.
 * Each message speaks of the language (brackets, arguments, statements), never of ANTLR tokens.
 */
class SyntaxErrorMessagesTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                // A missing `)` is reported right after the last argument, not at the next line's first word.
                Arguments.of(model("Conv2D(16, 3", "Flatten()"),
                        "m.cnn:3:15: error: missing `)` to close `Conv2D(`"),
                Arguments.of("model M {\n  input [28, 28, 1]\n  Flatten()\n",
                        "m.cnn:3:12: error: unexpected end of file: missing `}` to close model `M` (opened at 1:9)"),
                Arguments.of("model M {\n  input [28, 28, 1]\n  repeat 2 {\n    Dense(4)\n}\n",
                        "m.cnn:5:2: error: unexpected end of file: missing `}` to close model `M` (opened at 1:9)"),
                Arguments.of("model M {\n  input [28, 28, 1]\n  Conv2D(16, 3",
                        "m.cnn:3:15: error: unexpected end of file: missing `)` to close `Conv2D(`"),
                Arguments.of("model M {\n  input [28, 28, 1]\n  Flatten()\nmodel N {\n}\n",
                        "m.cnn:3:12: error: missing `}` to close model `M` (opened at 1:9)"),
                Arguments.of(model("Conv2D(16 3)"),
                        "m.cnn:3:13: error: expected `,` or `)` after an argument of `Conv2D`, found `3`"),
                Arguments.of(model("Flatten() $"), "m.cnn:3:13: error: unexpected character `$`"),
                Arguments.of(model("Conv2D(16, 3, padding=\"same)"),
                        "m.cnn:3:25: error: unterminated string: close it with \" on the same line"),
                Arguments.of(model("Conv2D(16, 3, padding='same)"),
                        "m.cnn:3:25: error: unterminated string: close it with ' on the same line"),
                Arguments.of(model("Conv2D(16, 3)(input)"),
                        "m.cnn:3:17: error: `input` is a keyword and cannot be used as a name; name the input"
                                + " (`input x: [28, 28, 1]`) to refer to it"),
                Arguments.of(model("model = Dense(3)"),
                        "m.cnn:3:3: error: `model` is a keyword and cannot be used as a name"),
                Arguments.of(model("input = Dense(3)"),
                        "m.cnn:3:3: error: `input` is a keyword and cannot be used as a name"),
                Arguments.of(model("Dense(3)\n  )"),
                        "m.cnn:4:3: error: unexpected `)`: there is no open `(` for it to close"),
                Arguments.of(model("Conv2D(16,, 3)"),
                        "m.cnn:3:13: error: expected a value between the two commas, found `,`"),
                Arguments.of(model("Dense(3))"),
                        "m.cnn:3:11: error: unexpected `)`: there is no open `(` for it to close"),
                Arguments.of("model M {\n  input [28, 28, 1]\n}\n}\n",
                        "m.cnn:4:1: error: unexpected `}`: there is no open `{` for it to close"),
                Arguments.of(model("Dense(3"),
                        "m.cnn:3:10: error: missing `)` to close `Dense(`"),
                Arguments.of(model("Dense(units=)"),
                        "m.cnn:3:15: error: expected a value: a number, a name, a string or a tuple like `(3, 3)`,"
                                + " found `)`"),
                Arguments.of("model M {\n  input [28, 28 1]\n}\n",
                        "m.cnn:2:17: error: expected `,` or `]` in a shape like `[28, 28, 1]`, found `1`"),
                // Bad top level: a layer outside any model, a stray word.
                Arguments.of("Conv2D(16, 3)\n", "m.cnn:1:1: error: expected `model NAME {` or `block NAME(PARAMS) {`,"
                        + " found `Conv2D`"),
                Arguments.of("model M {\n}\nfoo\n", "m.cnn:3:1: error: expected `model NAME {` or"
                        + " `block NAME(PARAMS) {`, found `foo`"),
                Arguments.of("# only a comment\n", "m.cnn:1:1: error: no model in this file; expected"
                        + " `model NAME { ... }`"),
                Arguments.of("", "m.cnn:1:1: error: file is empty; expected `model NAME { ... }`"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void firstDiagnostic(String text, String expected) {
        assertEquals(expected, firstError(text));
    }

    @Test
    void binaryFile() {
        byte[] bytes = "model M {\0}".getBytes(StandardCharsets.UTF_8);
        assertEquals("m.cnn:1:10: error: file is binary (it holds a NUL byte), not a .cnn model",
                TestCompile.errors(bytes).get(0).headline());
    }

    @Test
    void invalidUtf8() {
        byte[] head = "model M {\n  input [2, 2, 1] # ".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head.length + 3];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xFF;
        bytes[head.length + 1] = '\n';
        bytes[head.length + 2] = '}';
        assertEquals("m.cnn:2:21: error: file is not valid UTF-8 (byte 0xFF at offset 30)",
                TestCompile.errors(bytes).get(0).headline());
    }

    @Test
    void truncatedMultiByteCharacter() {
        byte[] head = "model M {}\n# \u00e9".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(head, head.length - 1);
        assertEquals("m.cnn:2:3: error: file is not valid UTF-8 (byte 0xC3 at offset 13)",
                TestCompile.errors(bytes).get(0).headline());
    }

    @Test
    void surrogatesAndOverlongFormsAreNotUtf8() {
        byte[] surrogate = {'m', 'o', 'd', 'e', 'l', ' ', (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        assertEquals("m.cnn:1:7: error: file is not valid UTF-8 (byte 0xED at offset 6)",
                TestCompile.errors(surrogate).get(0).headline());
        byte[] overlong = {'\n', (byte) 0xC0, (byte) 0xAF};
        assertEquals("m.cnn:2:1: error: file is not valid UTF-8 (byte 0xC0 at offset 1)",
                TestCompile.errors(overlong).get(0).headline());
    }

    @Test
    void everyKindOfLineEndCounts() {
        for (String end : new String[] {"\n", "\r\n", "\r"}) {
            String text = "model M {" + end + "  input [28, 28, 1]" + end + "  Flatten() $" + end + "}" + end;
            assertEquals("m.cnn:3:13: error: unexpected character `$`", firstError(text), end);
            byte[] nul = ("model M {" + end + "  \0").getBytes(StandardCharsets.UTF_8);
            assertEquals("m.cnn:2:3: error: file is binary (it holds a NUL byte), not a .cnn model",
                    TestCompile.errors(nul).get(0).headline(), end);
        }
    }

    @Test
    void oneErrorPerBrokenLineAndAllLinesReported() {
        String text = model("Dense(3", "Conv2D(16 3)", "Flatten() $", "Dense(units=)");
        var errors = TestCompile.errors(text);
        assertEquals(4, errors.size(), errors.toString());
        assertEquals(3, errors.get(0).span().line());
        assertEquals(6, errors.get(3).span().line());
    }

    @Test
    void columnsCountCharactersNotUtf16Units() {
        // The emoji is one character (two UTF-16 units); the tab after it must stay a tab in the caret line.
        var d = TestCompile.errors(model("D('\ud83d\ude00')\t$")).get(0);
        assertEquals("m.cnn:3:10: error: unexpected character `$`\n"
                + "  D('\ud83d\ude00')\t$\n"
                + "        \t^", d.render());
    }

    @Test
    void tabsAreKeptInTheCaretLine() {
        var d = TestCompile.errors("model M {\n\tinput [28, 28, 1]\n\tConv2d(16, 3)\n}\n").get(0);
        assertEquals("m.cnn:3:2: error: unknown layer `Conv2d`; did you mean `Conv2D`?\n"
                + "\tConv2d(16, 3)\n"
                + "\t^~~~~~", d.render());
    }

    @Test
    void renderShowsTheLineAndACaretUnderTheFault() {
        var d = TestCompile.errors(model("Conv2D(16, 3", "Flatten()")).get(0);
        assertEquals("m.cnn:3:15: error: missing `)` to close `Conv2D(`\n"
                + "  Conv2D(16, 3\n"
                + "              ^", d.render());
    }
}
