package cnnc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The header parser: values, and every error with its place. */
class JsonTest {

    @Test
    void parsesValues() throws Json.SyntaxException {
        Object v = Json.parse(" {\"a\": [1, -2, 3.5, 1e3, 18446744073709551616, true, false, null, \"x\\u00e9\\n\\\"\"],"
                + " \"b\": {}} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1L, -2L, 3.5, 1000.0, new BigInteger("18446744073709551616"), true, false, Json.NULL,
                "xé\n\""), m.get("a"));
        assertEquals(Map.of(), m.get("b"));
        assertEquals(List.of("b", "a"), List.copyOf(((Map<?, ?>) Json.parse("{\"b\":1,\"a\":2}")).keySet()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{                    | 1 | 2  | expected a key in double quotes, found the end of the text",
            "{\"a\" 1}            | 1 | 6  | expected ':' after the key \"a\", found '1'",
            "[1 2]                | 1 | 4  | expected ',' or ']' in an array, found '2'",
            "[01]                 | 1 | 3  | a number may not have a leading zero",
            "[1.]                 | 1 | 4  | expected a digit after the decimal point, found ']'",
            "[-]                  | 1 | 3  | expected a digit after '-', found ']'",
            "[1e+]                | 1 | 5  | expected a digit in the exponent, found ']'",
            "[tru]                | 1 | 2  | expected a value (an object, array, string, number, true, false or null), found 't'",
            "[\"ab                | 1 | 2  | this string is never closed with '\"'",
            "[\"\\q\"]            | 1 | 3  | unknown escape sequence '\\q' in a string",
            "[\"\\u12\"]          | 1 | 3  | \\u must be followed by four hex digits",
            "[1,]                 | 1 | 4  | expected a value (an object, array, string, number, true, false or null), found ']'",
            "{\"a\":1,}           | 1 | 8  | expected a key in double quotes, found '}'",
            "`{\"a\":1}{`         | 1 | 8  | found '{' after the end of the JSON value",
            "`[\n\n  x]`          | 3 | 3  | expected a value (an object, array, string, number, true, false or null), found 'x'",
    })
    void reportsWhereAndWhat(String text, int line, int column, String problem) {
        String json = text.replace("\\n", "\n");
        Json.SyntaxException e = assertThrows(Json.SyntaxException.class, () -> Json.parse(json));
        assertEquals(problem, e.problem, json);
        assertEquals(line, e.line, json);
        assertEquals(column, e.column, json);
    }

    @Test
    void duplicateKeysAreErrorsAtTheSecondKey() {
        Json.SyntaxException e = assertThrows(Json.SyntaxException.class,
                () -> Json.parse("{\"a\":{\"x\":1,\"x\":2}}"));
        assertEquals("x", e.duplicateKey);
        assertEquals(13, e.column);
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            String deep = "[".repeat(100_000);
            Json.SyntaxException e = assertThrows(Json.SyntaxException.class, () -> Json.parse(deep));
            assertEquals("objects and arrays are nested more than 64 deep", e.problem);
        });
    }

    @Test
    void quoteEscapesWhatJsonRequires() {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001é\"", Json.quote("a\"b\\c\nd\u0001é"));
    }
}
