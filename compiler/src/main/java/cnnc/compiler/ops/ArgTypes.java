package cnnc.compiler.ops;

import cnnc.compiler.diag.Suggestions;
import cnnc.compiler.ir.ArgException;
import cnnc.compiler.ir.ArgType;
import cnnc.compiler.ir.IntPair;
import cnnc.compiler.ir.Padding;
import cnnc.compiler.ir.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The argument types of the op registry. Symbols may be written bare or quoted as in Keras ({@code padding=same} or
 * {@code padding='same'}); integers stand where floats are expected; {@code None} stands where Keras allows it.
 */
public final class ArgTypes {
    private ArgTypes() {}

    /** A named argument type from a conversion function. */
    private record Simple(String expected, Converter converter) implements ArgType {
        @Override
        public Object convert(Value value) throws ArgException {
            return converter.convert(value);
        }
    }

    @FunctionalInterface
    private interface Converter {
        Object convert(Value v) throws ArgException;
    }

    static ArgException mismatch(String expected, Value v) {
        return new ArgException("expected " + expected + ", got " + describe(v));
    }

    static String describe(Value v) {
        if (v instanceof Value.Sym || v instanceof Value.Str) {
            return "`" + symbolText(v) + "`";
        }
        return v.kind() + " `" + v + "`";
    }

    static boolean isNone(Value v) {
        return v instanceof Value.Sym s && s.name().equals("None");
    }

    static String symbolText(Value v) {
        if (v instanceof Value.Sym s) {
            return s.name();
        }
        if (v instanceof Value.Str s) {
            return s.value();
        }
        return null;
    }

    /** An integer in [min, max]. */
    public static ArgType intIn(long min, long max, String expected) {
        return new Simple(expected, v -> {
            if (!(v instanceof Value.Int i)) {
                throw mismatch(expected, v);
            }
            if (i.value() < min || i.value() > max) {
                throw new ArgException("expected " + expected + ", got " + i.value());
            }
            return (int) i.value();
        });
    }

    public static ArgType positiveInt() {
        return intIn(1, Integer.MAX_VALUE, "a positive integer");
    }

    public static ArgType anyInt() {
        return intIn(Integer.MIN_VALUE, Integer.MAX_VALUE, "an integer");
    }

    /** A non-negative integer or None (a seed). */
    public static ArgType optionalSeed() {
        ArgType base = intIn(0, Integer.MAX_VALUE, "a non-negative integer");
        return new Simple("a non-negative integer or None", v -> isNone(v) ? null : base.convert(v));
    }

    /** {@code n} or {@code (h, w)}, each a positive integer. */
    public static ArgType positivePair() {
        String expected = "a positive integer or a pair like (3, 3)";
        return new Simple(expected, v -> pair(v, expected, 1));
    }

    /** Like {@link #positivePair()} but {@code None} (meaning "same as another argument") is allowed. */
    public static ArgType optionalPositivePair() {
        String expected = "a positive integer, a pair like (2, 2) or None";
        return new Simple(expected, v -> isNone(v) ? null : pair(v, expected, 1));
    }

    private static IntPair pair(Value v, String expected, long min) throws ArgException {
        if (v instanceof Value.Int i) {
            return IntPair.square(checkInt(i.value(), min, expected));
        }
        if (v instanceof Value.Tuple t && t.items().size() == 2 && t.items().get(0) instanceof Value.Int a
                && t.items().get(1) instanceof Value.Int b) {
            return new IntPair(checkInt(a.value(), min, expected), checkInt(b.value(), min, expected));
        }
        throw mismatch(expected, v);
    }

    private static int checkInt(long value, long min, String expected) throws ArgException {
        if (value < min || value > Integer.MAX_VALUE) {
            throw new ArgException("expected " + expected + ", got " + value);
        }
        return (int) value;
    }

    /** Convolution padding: valid, same, full, p, (ph, pw) or ((top, bottom), (left, right)). */
    public static ArgType convPadding() {
        String expected = "`valid`, `same`, `full`, an integer or a pair like (1, 1)";
        return new Simple(expected, v -> {
            String s = symbolText(v);
            if (s != null) {
                return switch (s.toLowerCase(Locale.ROOT)) {
                    case "valid" -> Padding.VALID;
                    case "same" -> Padding.SAME;
                    case "full" -> Padding.FULL;
                    default -> throw new ArgException("unknown padding `" + s + "`; expected " + expected
                            + Suggestions.didYouMean(s, List.of("valid", "same", "full")));
                };
            }
            return explicitPadding(v, expected);
        });
    }

    /** Pooling padding: valid or same. */
    public static ArgType poolPadding() {
        return symbol(List.of("valid", "same"), "`valid` or `same`", s -> s.equals("same") ? Padding.SAME
                : Padding.VALID);
    }

    /** ZeroPadding2D's padding: p, (ph, pw) or ((top, bottom), (left, right)), all non-negative. */
    public static ArgType zeroPadding() {
        String expected = "an integer, a pair like (1, 1) or ((top, bottom), (left, right))";
        return new Simple(expected, v -> explicitPadding(v, expected));
    }

    private static Padding explicitPadding(Value v, String expected) throws ArgException {
        if (v instanceof Value.Int i) {
            int p = checkInt(i.value(), 0, expected);
            return Padding.explicit(p, p, p, p);
        }
        if (v instanceof Value.Tuple t && t.items().size() == 2) {
            Value a = t.items().get(0);
            Value b = t.items().get(1);
            if (a instanceof Value.Int ah && b instanceof Value.Int bw) {
                int h = checkInt(ah.value(), 0, expected);
                int w = checkInt(bw.value(), 0, expected);
                return Padding.explicit(h, h, w, w);
            }
            if (a instanceof Value.Tuple ta && b instanceof Value.Tuple tb && ta.items().size() == 2
                    && tb.items().size() == 2 && allInts(ta) && allInts(tb)) {
                return Padding.explicit(checkInt(((Value.Int) ta.items().get(0)).value(), 0, expected),
                        checkInt(((Value.Int) ta.items().get(1)).value(), 0, expected),
                        checkInt(((Value.Int) tb.items().get(0)).value(), 0, expected),
                        checkInt(((Value.Int) tb.items().get(1)).value(), 0, expected));
            }
        }
        throw mismatch(expected, v);
    }

    private static boolean allInts(Value.Tuple t) {
        return t.items().stream().allMatch(x -> x instanceof Value.Int);
    }

    /** An activation name; None means linear. */
    public static ArgType activation() {
        String expected = "an activation such as `relu`";
        return new Simple(expected, v -> {
            if (isNone(v)) {
                return Activation.LINEAR;
            }
            String s = symbolText(v);
            if (s == null) {
                throw mismatch(expected, v);
            }
            Activation a = Activation.byName(s);
            if (a == null) {
                throw new ArgException("unknown activation `" + s + "`" + Suggestions.didYouMean(s,
                        Activation.names()) + " (known: " + String.join(", ", Activation.names()) + ")");
            }
            return a;
        });
    }

    /** A number in [min, max] (bounds inclusive unless {@code openMax}). */
    public static ArgType number(double min, double max, boolean openMax, String expected) {
        return new Simple(expected, v -> {
            double d;
            if (v instanceof Value.Int i) {
                d = i.value();
            } else if (v instanceof Value.Float f) {
                d = f.value();
            } else {
                throw mismatch(expected, v);
            }
            if (!(d >= min) || d > max || (openMax && d == max) || Double.isNaN(d)) {
                throw new ArgException("expected " + expected + ", got " + cnnc.compiler.ir.Values.formatDouble(d));
            }
            return d;
        });
    }

    public static ArgType anyNumber() {
        return number(-Double.MAX_VALUE, Double.MAX_VALUE, false, "a number");
    }

    /** A non-negative number or None. */
    public static ArgType optionalNonNegative() {
        ArgType base = number(0, Double.MAX_VALUE, false, "a non-negative number");
        return new Simple("a non-negative number or None", v -> isNone(v) ? null : base.convert(v));
    }

    public static ArgType bool() {
        return new Simple("`true` or `false`", v -> {
            if (v instanceof Value.Bool b) {
                return b.value();
            }
            throw mismatch("`true` or `false`", v);
        });
    }

    /** One of a fixed set of words. */
    public static ArgType choice(String... words) {
        List<String> list = List.of(words);
        String expected = "one of " + String.join(", ", list.stream().map(w -> "`" + w + "`").toList());
        return symbol(list, expected, s -> s);
    }

    private interface SymbolMap {
        Object map(String s);
    }

    private static ArgType symbol(List<String> words, String expected, SymbolMap map) {
        return new Simple(expected, v -> {
            String s = symbolText(v);
            if (s == null) {
                throw mismatch(expected, v);
            }
            String lower = s.toLowerCase(Locale.ROOT);
            if (!words.contains(lower)) {
                throw new ArgException("unknown value `" + s + "`; expected " + expected
                        + Suggestions.didYouMean(s, words));
            }
            return map.map(lower);
        });
    }

    /** A tuple of positive integers where at most one may be -1 (Reshape's target shape). */
    public static ArgType targetShape() {
        String expected = "a tuple of positive integers like (7, 7, 64), with at most one -1";
        return new Simple(expected, v -> {
            List<Value> items;
            if (v instanceof Value.Tuple t) {
                items = t.items();
            } else if (v instanceof Value.Int) {
                items = List.of(v);
            } else {
                throw mismatch(expected, v);
            }
            if (items.isEmpty()) {
                throw mismatch(expected, v);
            }
            List<Integer> dims = new ArrayList<>();
            int unknown = 0;
            for (Value item : items) {
                if (!(item instanceof Value.Int i) || (i.value() < 1 && i.value() != -1)
                        || i.value() > Integer.MAX_VALUE) {
                    throw mismatch(expected, v);
                }
                if (i.value() == -1) {
                    unknown++;
                }
                dims.add((int) i.value());
            }
            if (unknown > 1) {
                throw new ArgException("only one dimension of a target shape may be -1, got " + v);
            }
            return List.copyOf(dims);
        });
    }

    /** {@code channels_last} only: cnnc lays images out as [H, W, C] like Keras' default. */
    public static ArgType dataFormat() {
        return new Simple("`channels_last`", v -> {
            if (isNone(v)) {
                return "channels_last";
            }
            String s = symbolText(v);
            if ("channels_last".equals(s)) {
                return s;
            }
            throw new ArgException("only data_format=channels_last is supported (images are [H, W, C]), got "
                    + describe(v));
        });
    }
}
