package cnnc.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compiler.diag.CompileException;
import cnnc.compiler.diag.Diagnostic;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.passes.Counting;
import cnnc.compiler.passes.Pipeline;
import cnnc.compiler.passes.Verifier;
import cnnc.compiler.report.KerasSummary;
import cnnc.compiler.report.SummaryJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the input, {@link Compiler#compile} either succeeds (with an IR that passes the verifier after every
 * pass, and reports that render) or throws {@link CompileException} whose diagnostics all point inside the file:
 * line in [1, lines], column in [1, length of that line + 1]. Never another exception.
 */
class CompileFuzzProperties {
    private static final String[] TOKENS = {"model", "block", "input", "output", "repeat", "true", "None", "M", "x",
        "y", "Conv2D", "Dense", "Flatten", "MaxPooling2D", "Add", "Concatenate", "BatchNormalization", "Reshape",
        "Dropout", "ReLU", "same", "valid", "relu", "kernel_size", "strides", "padding", "filters", "units", "name",
        "trainable", "{", "}", "(", ")", "[", "]", ",", ":", "=", "+", "-", "*", "/", "0", "1", "3", "28", "-1",
        "0.5", "1e3", "99999999999999999999", "'same'", "\"x", "#", "//", "/*", "*/", ";", "\n", "\r", "\t", "$",
        "\u00e9", "\u00a0", "\ud83d\ude00", "\u0000"};
    private static final String[] NUMBERS = {"0", "-1", "64", "3.5", "1e400", "2147483648", "99999999999999999999"};

    @Provide
    Arbitrary<String> tokenSoup() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(60)
                .map(tokens -> String.join(" ", tokens));
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.strings().all().ofMaxLength(200);
    }

    @Provide
    Arbitrary<byte[]> anyBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
    }

    @Provide
    Arbitrary<String> mutants() {
        return RandomModels.texts().flatMap(text -> Arbitraries.randomValue(r -> mutate(text, r)));
    }

    /** One to four random edits: deletions, insertions, duplicated or swapped lines, changed numbers, cuts. */
    static String mutate(String text, Random r) {
        StringBuilder s = new StringBuilder(text);
        for (int edits = 1 + r.nextInt(4); edits > 0 && s.length() > 0; edits--) {
            int at = r.nextInt(s.length());
            switch (r.nextInt(6)) {
                case 0 -> s.delete(at, Math.min(s.length(), at + 1 + r.nextInt(10)));
                case 1 -> s.insert(at, TOKENS[r.nextInt(TOKENS.length)]);
                case 2, 3 -> {
                    List<String> lines = new ArrayList<>(List.of(s.toString().split("\n", -1)));
                    int i = r.nextInt(lines.size());
                    int j = r.nextInt(lines.size());
                    if (r.nextBoolean()) {
                        lines.add(j, lines.get(i));
                    } else {
                        String t = lines.get(i);
                        lines.set(i, lines.get(j));
                        lines.set(j, t);
                    }
                    s = new StringBuilder(String.join("\n", lines));
                }
                case 4 -> {
                    int d = indexOfDigit(s, at);
                    if (d >= 0) {
                        int end = d;
                        while (end < s.length() && Character.isDigit(s.charAt(end))) {
                            end++;
                        }
                        s.replace(d, end, NUMBERS[r.nextInt(NUMBERS.length)]);
                    }
                }
                default -> s.setLength(at);
            }
        }
        return s.toString();
    }

    private static int indexOfDigit(CharSequence s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    @Property(tries = 1000)
    void tokenSoupNeverCrashes(@ForAll("tokenSoup") String text) {
        check(text.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 500)
    void anyTextNeverCrashes(@ForAll("anyText") String text) {
        check(text.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 300)
    void anyBytesNeverCrash(@ForAll("anyBytes") byte[] bytes) {
        check(bytes);
    }

    @Property(tries = 1000)
    void mutatedModelsNeverCrash(@ForAll("mutants") String text) {
        check(text.getBytes(StandardCharsets.UTF_8));
    }

    static void check(byte[] bytes) {
        Graph g;
        try {
            g = Compiler.compile(TestCompile.FILE, bytes, null, Pipeline.analysis(), null).graph();
        } catch (CompileException e) {
            List<String> lines = lines(new String(bytes, StandardCharsets.UTF_8));
            assertTrue(e.diagnostics().errorCount() > 0);
            for (Diagnostic d : e.diagnostics().all()) {
                int line = d.span().line();
                assertTrue(line >= 1 && line <= lines.size(), () -> "line out of range: " + d);
                int length = lines.get(line - 1).length();
                assertTrue(d.span().column() >= 1 && d.span().column() <= length + 1,
                        () -> "column out of range: " + d + " in a line of " + length);
                d.render();
            }
            return;
        }
        Verifier.verify(g, true);
        Counting.ModelCounts counts = Counting.count(g);
        KerasSummary.render(g, counts);
        SummaryJson.render(g, counts);
        for (String pass : Pipeline.inference().names()) {
            try {
                Graph after = Compiler.compile(TestCompile.FILE, bytes, null, Pipeline.inference(), pass).graph();
                Verifier.verify(after, !pass.equals("lower"));
            } catch (CompileException e) {
                throw new AssertionError("the model compiled through the analysis but not through " + pass, e);
            }
        }
    }

    /** The text's lines, ended by \n, \r\n or a lone \r, counted here independently of SourceFile. */
    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                out.add(text.substring(start, i));
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        out.add(text.substring(start));
        return out;
    }
}
