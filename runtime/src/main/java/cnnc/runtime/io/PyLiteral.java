package cnnc.runtime.io;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parser for the few Python literals a {@code .npy} header uses (what NumPy reads with {@code ast.literal_eval}):
 * dicts with string keys, tuples, lists, strings, integers (with Python 2's {@code L} suffix), floats, {@code True},
 * {@code False} and {@code None}. Dicts become {@link LinkedHashMap}s, tuples {@link Tuple}s, lists {@link List}s,
 * integers {@link Long} (or {@link BigInteger}), floats {@link Double}, {@code None} {@link #NONE}. No code is run.
 */
final class PyLiteral {
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    private static final int MAX_DEPTH = 32;

    /** A Python tuple. */
    record Tuple(List<Object> items) {
    }

    /** A syntax error at a column (1-based, in characters) of the one-line text. */
    static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;
        final int column;
        final String problem;

        SyntaxException(int column, String problem) {
            super("column " + column + ": " + problem);
            this.column = column;
            this.problem = problem;
        }
    }

    private final String text;
    private int pos;

    private PyLiteral(String text) {
        this.text = text;
    }

    /** Parses one literal; only whitespace may follow it. */
    static Object parse(String text) throws SyntaxException {
        PyLiteral parser = new PyLiteral(text);
        parser.skipSpace();
        Object value = parser.value(0);
        parser.skipSpace();
        if (parser.pos < text.length()) {
            throw parser.error("found " + parser.found() + " after the end of the literal");
        }
        return value;
    }

    private Object value(int depth) throws SyntaxException {
        if (depth > MAX_DEPTH) {
            throw error("brackets are nested more than " + MAX_DEPTH + " deep");
        }
        char c = peek();
        if (c == '{') {
            return dict(depth + 1);
        }
        if (c == '(') {
            return tuple(depth + 1);
        }
        if (c == '[') {
            return new ArrayList<>(sequence(depth + 1, ']'));
        }
        if (c == '\'' || c == '"') {
            return string();
        }
        if ((c == 'u' || c == 'U') && pos + 1 < text.length()
                && (text.charAt(pos + 1) == '\'' || text.charAt(pos + 1) == '"')) {
            pos++;
            return string();
        }
        if (c == '-' || c == '+' || isDigit(c)) {
            return number();
        }
        if (Character.isLetter(c) || c == '_') {
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                pos++;
            }
            String name = text.substring(start, pos);
            switch (name) {
                case "True":
                    return Boolean.TRUE;
                case "False":
                    return Boolean.FALSE;
                case "None":
                    return NONE;
                default:
                    pos = start;
                    throw error("expected a literal, found the name '" + name + "'");
            }
        }
        throw error("expected a literal (a dict, tuple, list, string, number, True, False or None), found "
                + found());
    }

    private Map<String, Object> dict(int depth) throws SyntaxException {
        pos++; // '{'
        Map<String, Object> items = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (peek() == '}') {
                pos++;
                return items;
            }
            int keyStart = pos;
            Object key = value(depth);
            if (!(key instanceof String name)) {
                pos = keyStart;
                throw error("dictionary keys must be strings, found " + repr(key));
            }
            if (items.containsKey(name)) {
                pos = keyStart;
                throw error("the key " + repr(name) + " appears twice");
            }
            skipSpace();
            expect(':', "after the key " + repr(name));
            skipSpace();
            items.put(name, value(depth));
            skipSpace();
            if (peek() == '}') {
                continue;
            }
            expect(',', "or '}' after the value of " + repr(name));
        }
    }

    private Object tuple(int depth) throws SyntaxException {
        int start = pos;
        List<Object> items = sequence(depth, ')');
        // (x) is just x in parentheses; (x,) and () are tuples.
        boolean trailingComma = text.substring(start, pos - 1).strip().endsWith(",");
        if (items.size() == 1 && !trailingComma) {
            return items.get(0);
        }
        return new Tuple(items);
    }

    /** Items up to {@code close}, comma-separated, with an optional trailing comma; consumes both brackets. */
    private List<Object> sequence(int depth, char close) throws SyntaxException {
        pos++; // the opening bracket
        List<Object> items = new ArrayList<>();
        while (true) {
            skipSpace();
            if (peek() == close) {
                pos++;
                return items;
            }
            items.add(value(depth));
            skipSpace();
            if (peek() == close) {
                continue;
            }
            expect(',', "or '" + close + "'");
        }
    }

    private String string() throws SyntaxException {
        char quote = text.charAt(pos);
        int start = pos;
        pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length() || text.charAt(pos) == '\n') {
                pos = start;
                throw error("this string is never closed with " + quote);
            }
            char c = text.charAt(pos++);
            if (c == quote) {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= text.length()) {
                continue; // reported as an unclosed string
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '\\', '\'', '"' -> out.append(e);
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '0' -> out.append('\0');
                case 'x' -> out.append((char) hex(2));
                case 'u' -> out.append((char) hex(4));
                default -> out.append('\\').append(e); // Python keeps unknown escapes as written
            }
        }
    }

    private int hex(int digits) throws SyntaxException {
        if (pos + digits > text.length()) {
            throw error("expected " + digits + " hex digits in an escape");
        }
        int value = 0;
        for (int i = 0; i < digits; i++) {
            int d = Character.digit(text.charAt(pos), 16);
            if (d < 0) {
                throw error("expected " + digits + " hex digits in an escape");
            }
            value = value * 16 + d;
            pos++;
        }
        return value;
    }

    private Object number() throws SyntaxException {
        int start = pos;
        if (peek() == '-' || peek() == '+') {
            pos++;
            skipSpace();
        }
        if (!isDigit(peek())) {
            throw error("expected a digit, found " + found());
        }
        int digitsStart = pos;
        while (isDigit(peek()) || peek() == '_') {
            pos++;
        }
        if (peek() == '.' || peek() == 'e' || peek() == 'E') {
            while (isDigit(peek()) || "._eE+-".indexOf(peek()) >= 0) {
                pos++;
            }
            String literal = text.substring(start, pos).replace(" ", "").replace("_", "");
            try {
                return Double.parseDouble(literal);
            } catch (NumberFormatException e) {
                String written = text.substring(start, pos);
                pos = start;
                throw error("'" + written + "' is not a valid number");
            }
        }
        String digits = text.substring(digitsStart, pos).replace("_", "");
        BigInteger value = new BigInteger(digits);
        if (text.charAt(start) == '-') {
            value = value.negate();
        }
        if (peek() == 'L' || peek() == 'l') {
            pos++; // Python 2's long suffix, as NumPy still accepts in version 1.0 and 2.0 headers
        }
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    private void expect(char c, String context) throws SyntaxException {
        if (peek() != c) {
            throw error("expected '" + c + "' " + context + ", found " + found());
        }
        pos++;
    }

    private void skipSpace() {
        while (pos < text.length() && " \t\n\r\f".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private String found() {
        if (pos >= text.length()) {
            return "the end of the header";
        }
        char c = text.charAt(pos);
        if (c < 0x20 || c == 0x7f) {
            return String.format("the control character 0x%02x", (int) c);
        }
        return c == '\'' ? "\"'\"" : "'" + c + "'";
    }

    private SyntaxException error(String problem) {
        return new SyntaxException(Math.min(pos, text.length()) + 1, problem);
    }

    /** A value as Python's {@code repr} writes it: {@code (2, 3)}, {@code (3,)}, {@code '<f4'}, {@code True}. */
    static String repr(Object value) {
        if (value instanceof String s) {
            return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Tuple t) {
            StringBuilder out = new StringBuilder("(");
            for (int i = 0; i < t.items().size(); i++) {
                out.append(i == 0 ? "" : ", ").append(repr(t.items().get(i)));
            }
            return out.append(t.items().size() == 1 ? ",)" : ")").toString();
        }
        if (value instanceof List<?> list) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ", ").append(repr(list.get(i)));
            }
            return out.append(']').toString();
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder("{");
            String sep = "";
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(sep).append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                sep = ", ";
            }
            return out.append('}').toString();
        }
        return String.valueOf(value);
    }

    /** A shape as a Python tuple: {@code (2, 28, 28, 1)}, {@code (5,)}, {@code ()}. */
    static String tupleOf(long[] shape) {
        List<Object> items = new ArrayList<>();
        for (long d : shape) {
            items.add(d);
        }
        return repr(new Tuple(items));
    }
}
