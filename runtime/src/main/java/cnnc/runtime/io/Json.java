package cnnc.runtime.io;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON (RFC 8259) parser for small documents such as a safetensors header. Objects become
 * {@link LinkedHashMap}s in document order, arrays {@link List}s, integers without fraction or exponent
 * {@link Long} (or {@link BigInteger} when larger), other numbers {@link Double}, and {@code null} becomes
 * {@link #NULL}. Unlike most parsers it rejects an object that repeats a key, since a repeated tensor name is a
 * corrupt file rather than an update. Errors carry the line and column (1-based, in characters).
 */
public final class Json {
    /** JSON {@code null} (maps and lists here hold no Java nulls). */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private static final int MAX_DEPTH = 64;

    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /** A syntax error at a place in the text. */
    public static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;
        final int line;
        final int column;
        final String problem;
        /** The repeated key when that is the problem, else {@code null}. */
        final String duplicateKey;

        SyntaxException(int line, int column, String problem, String duplicateKey) {
            super("line " + line + ", column " + column + ": " + problem);
            this.line = line;
            this.column = column;
            this.problem = problem;
            this.duplicateKey = duplicateKey;
        }
    }

    /** Parses one JSON value; only whitespace may follow it. */
    public static Object parse(String text) throws SyntaxException {
        Json parser = new Json(text);
        parser.skipSpace();
        Object value = parser.value(0);
        parser.skipSpace();
        if (parser.pos < text.length()) {
            throw parser.error("found " + parser.found() + " after the end of the JSON value");
        }
        return value;
    }

    private Object value(int depth) throws SyntaxException {
        if (pos >= text.length()) {
            throw error("expected a value, found the end of the text");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("expected a value (an object, array, string, number, true, false or null), found "
                        + found());
            }
        };
    }

    private Map<String, Object> object(int depth) throws SyntaxException {
        checkDepth(depth);
        pos++; // '{'
        Map<String, Object> members = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            return members;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a key in double quotes, found " + found());
            }
            int keyStart = pos;
            String key = string();
            if (members.containsKey(key)) {
                pos = keyStart;
                throw error("the key " + quote(key) + " appears twice in the same object", key);
            }
            skipSpace();
            if (peek() != ':') {
                throw error("expected ':' after the key " + quote(key) + ", found " + found());
            }
            pos++;
            skipSpace();
            members.put(key, value(depth));
            skipSpace();
            char c = peek();
            pos++;
            if (c == '}') {
                return members;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}' after the value of " + quote(key) + ", found " + found());
            }
        }
    }

    private List<Object> array(int depth) throws SyntaxException {
        checkDepth(depth);
        pos++; // '['
        List<Object> items = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
            return items;
        }
        while (true) {
            skipSpace();
            items.add(value(depth));
            skipSpace();
            char c = peek();
            pos++;
            if (c == ']') {
                return items;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']' in an array, found " + found());
            }
        }
    }

    private String string() throws SyntaxException {
        int start = pos;
        pos++; // '"'
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                pos = start;
                throw error("this string is never closed with '\"'");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return out.toString();
            }
            if (c < 0x20) {
                throw error("a control character (code " + (int) c + ") inside a string must be written as an escape"
                        + " such as \\n");
            }
            if (c != '\\') {
                out.append(c);
                pos++;
                continue;
            }
            if (pos + 1 >= text.length()) {
                throw error("the text ends inside an escape sequence");
            }
            char e = text.charAt(pos + 1);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 6 > text.length()) {
                        throw error("\\u must be followed by four hex digits");
                    }
                    int code = 0;
                    for (int i = pos + 2; i < pos + 6; i++) {
                        int digit = Character.digit(text.charAt(i), 16);
                        if (digit < 0) {
                            throw error("\\u must be followed by four hex digits");
                        }
                        code = code * 16 + digit;
                    }
                    out.append((char) code);
                    pos += 4;
                }
                default -> throw error("unknown escape sequence '\\" + e + "' in a string");
            }
            pos += 2;
        }
    }

    private Object number() throws SyntaxException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            while (isDigit(peek())) {
                pos++;
            }
        } else {
            throw error("expected a digit after '-', found " + found());
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) {
                throw error("expected a digit after the decimal point, found " + found());
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("expected a digit in the exponent, found " + found());
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        if (isDigit(peek())) {
            throw error("a number may not have a leading zero");
        }
        String digits = text.substring(start, pos);
        if (!integral) {
            return Double.parseDouble(digits);
        }
        BigInteger value = new BigInteger(digits);
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    private Object literal(String word, Object value) throws SyntaxException {
        if (!text.startsWith(word, pos)) {
            throw error("expected a value (an object, array, string, number, true, false or null), found "
                    + found());
        }
        pos += word.length();
        return value;
    }

    private void checkDepth(int depth) throws SyntaxException {
        if (depth > MAX_DEPTH) {
            throw error("objects and arrays are nested more than " + MAX_DEPTH + " deep");
        }
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The character at the current position, for a message: {@code '}'}, or {@code the end of the text}. */
    private String found() {
        if (pos >= text.length()) {
            return "the end of the text";
        }
        int c = text.codePointAt(pos);
        if (c < 0x20 || c == 0x7f) {
            return String.format("the control character 0x%02x", c);
        }
        return "'" + new String(Character.toChars(c)) + "'";
    }

    private SyntaxException error(String problem) {
        return error(problem, null);
    }

    private SyntaxException error(String problem, String duplicateKey) {
        int line = 1;
        int lineStart = 0;
        int end = Math.min(pos, text.length());
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column = text.codePointCount(lineStart, end) + 1;
        return new SyntaxException(line, column, problem, duplicateKey);
    }

    /** {@code s} in double quotes with quotes, backslashes and control characters escaped, as JSON writes it. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
