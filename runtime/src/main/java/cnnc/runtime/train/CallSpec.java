package cnnc.runtime.train;

import java.util.ArrayList;
import java.util.List;

/**
 * A Python-call-like spec as users write optimizers and schedules on the command line, parsed without meaning:
 * {@code adam}, {@code adam(learning_rate=0.001)}, {@code SGD(0.1, momentum=0.9, nesterov=true)},
 * {@code adam(learning_rate=cosine(decay_steps=1000))}.
 *
 * <pre>
 *   spec  := call EOF
 *   call  := NAME [ '(' [ arg (',' arg)* [','] ] ')' ]
 *   arg   := NAME '=' value | value
 *   value := NUMBER | NAME | call          (NAME covers true, false, True, False)
 * </pre>
 *
 * <p>What the names and values mean is {@link Arguments}' business.
 *
 * @param name the called name as written
 * @param args in the order written
 * @param text the whole spec, for messages
 */
record CallSpec(String name, List<Arg> args, String text) {
    /** One argument; {@code key} is null for a positional one. */
    record Arg(String key, Value value) {
    }

    /** An argument's value. */
    sealed interface Value permits Number, Word, Call {
        /** As the user wrote it, for messages. */
        String text();
    }

    /** A number literal, parsed as Java (and Python) parse decimal floats. */
    record Number(double value, String text) implements Value {
    }

    /** A bare name: {@code true}, {@code False}, or a schedule given without parentheses. */
    record Word(String text) implements Value {
    }

    /** A nested call, such as a schedule given as a learning rate. */
    record Call(CallSpec call) implements Value {
        @Override
        public String text() {
            return call.text;
        }
    }

    /**
     * Parses a spec.
     *
     * @param what what the spec is, for messages ({@code "optimizer"})
     * @throws IllegalArgumentException naming the column (1-based) and what was expected there
     */
    static CallSpec parse(String spec, String what) {
        Parser p = new Parser(spec, what);
        p.skipSpace();
        if (p.pos == spec.length()) {
            throw new IllegalArgumentException("the " + what + " is empty; write a name such as `" + example(what)
                    + "`");
        }
        CallSpec call = p.call(0);
        p.skipSpace();
        if (p.pos < spec.length()) {
            throw p.error("unexpected " + p.found() + " after the end of the " + what);
        }
        return call;
    }

    private static String example(String what) {
        return what.equals("optimizer") ? "adam(learning_rate=0.001)" : "cosine(decay_steps=1000)";
    }

    /** Deeper nesting means no sensible spec, and unbounded recursion would overflow the stack. */
    private static final int MAX_DEPTH = 4;

    private static final class Parser {
        private final String text;
        private final String what;
        private int pos;

        Parser(String text, String what) {
            this.text = text;
            this.what = what;
        }

        CallSpec call(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("calls nested more than " + MAX_DEPTH + " deep");
            }
            int start = pos;
            String name = name("a name such as `" + example(what) + "`");
            skipSpace();
            List<Arg> args = new ArrayList<>();
            if (peek() == '(') {
                pos++;
                skipSpace();
                while (peek() != ')') {
                    args.add(arg(depth));
                    skipSpace();
                    if (peek() == ',') {
                        pos++;
                        skipSpace();
                    } else if (peek() != ')') {
                        throw error("expected `,` or `)` but found " + found());
                    }
                }
                pos++;
            }
            return new CallSpec(name, List.copyOf(args), text.substring(start, pos).strip());
        }

        private Arg arg(int depth) {
            if (isNameStart(peek())) {
                int mark = pos;
                String key = name("");
                skipSpace();
                if (peek() == '=') {
                    pos++;
                    skipSpace();
                    return new Arg(key, value("a value after `" + key + "=`", depth));
                }
                pos = mark;
            }
            return new Arg(null, value("an argument", depth));
        }

        private Value value(String expected, int depth) {
            char c = peek();
            if (isNameStart(c)) {
                int mark = pos;
                String word = name("");
                skipSpace();
                if (peek() == '(') {
                    pos = mark;
                    return new Call(call(depth + 1));
                }
                return new Word(word);
            }
            if (Character.isDigit(c) || c == '.' || c == '-' || c == '+') {
                return number();
            }
            throw error("expected " + expected + " but found " + found());
        }

        private Number number() {
            int start = pos;
            if (peek() == '-' || peek() == '+') {
                pos++;
            }
            int digits = 0;
            while (Character.isDigit(peek())) {
                pos++;
                digits++;
            }
            if (peek() == '.') {
                pos++;
                while (Character.isDigit(peek())) {
                    pos++;
                    digits++;
                }
            }
            if (digits > 0 && (peek() == 'e' || peek() == 'E')) {
                int mark = pos;
                pos++;
                if (peek() == '-' || peek() == '+') {
                    pos++;
                }
                if (!Character.isDigit(peek())) {
                    pos = mark;
                } else {
                    while (Character.isDigit(peek())) {
                        pos++;
                    }
                }
            }
            String literal = text.substring(start, pos);
            if (digits == 0 || isNameStart(peek())) {
                pos = start;
                throw error("expected a number but found " + found());
            }
            return new Number(Double.parseDouble(literal), literal);
        }

        private String name(String expected) {
            if (!isNameStart(peek())) {
                throw error("expected " + expected + " but found " + found());
            }
            int start = pos;
            while (isNamePart(peek())) {
                pos++;
            }
            return text.substring(start, pos);
        }

        void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        String found() {
            if (pos >= text.length()) {
                return "the end";
            }
            int end = pos + 1;
            if (isNamePart(text.charAt(pos)) || text.charAt(pos) == '.') {
                while (end < text.length() && (isNamePart(text.charAt(end)) || text.charAt(end) == '.')) {
                    end++;
                }
            }
            return "`" + text.substring(pos, end) + "`";
        }

        IllegalArgumentException error(String problem) {
            return new IllegalArgumentException("cannot read the " + what + " `" + text + "`: " + problem
                    + " at column " + (pos + 1));
        }

        private static boolean isNameStart(char c) {
            return Character.isLetter(c) || c == '_';
        }

        private static boolean isNamePart(char c) {
            return Character.isLetterOrDigit(c) || c == '_';
        }
    }
}
