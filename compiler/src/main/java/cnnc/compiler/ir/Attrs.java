package cnnc.compiler.ir;

import cnnc.compiler.diag.Span;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An op's arguments after binding: every argument of the op's schema, in schema order, with its typed value (the
 * default where the user wrote none) and the span of the argument where the user wrote it (null for defaults), so
 * that a later pass can point at the argument at fault.
 */
public final class Attrs {
    private final Map<String, Object> values;
    private final Map<String, Span> spans;

    private Attrs(Map<String, Object> values, Map<String, Span> spans) {
        this.values = values;
        this.spans = spans;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static Attrs empty() {
        return new Attrs(Map.of(), Map.of());
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        b.spans.putAll(spans);
        return b;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public Object get(String name) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("no attribute " + name);
        }
        return values.get(name);
    }

    public int getInt(String name) {
        return (Integer) get(name);
    }

    public double getDouble(String name) {
        return (Double) get(name);
    }

    public boolean getBool(String name) {
        return (Boolean) get(name);
    }

    public String getString(String name) {
        return (String) get(name);
    }

    public IntPair getPair(String name) {
        return (IntPair) get(name);
    }

    @SuppressWarnings("unchecked")
    public List<Integer> getIntList(String name) {
        return (List<Integer>) get(name);
    }

    public <T> T get(String name, Class<T> type) {
        return type.cast(get(name));
    }

    /** Where the argument was written, or null when it took its default. */
    public Span span(String name) {
        return spans.get(name);
    }

    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(values);
    }

    /** {@code filters=16, kernel_size=(3, 3), ...} in schema order; null prints as {@code None}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(e.getKey()).append('=').append(format(e.getValue()));
        }
        return out.toString();
    }

    /** Source syntax of one typed attribute value. */
    public static String format(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Double d) {
            return Values.formatDouble(d);
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof List<?> list) {
            StringBuilder out = new StringBuilder("(");
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                out.append(format(list.get(i)));
            }
            return out.append(list.size() == 1 ? ",)" : ")").toString();
        }
        return v.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attrs a && values.equals(a.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values);
    }

    /** Collects attributes in order. */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();
        private final Map<String, Span> spans = new LinkedHashMap<>();

        public Builder put(String name, Object value, Span span) {
            values.put(name, value);
            if (span != null) {
                spans.put(name, span);
            } else {
                spans.remove(name);
            }
            return this;
        }

        public Builder put(String name, Object value) {
            return put(name, value, spans.get(name));
        }

        public Attrs build() {
            return new Attrs(Collections.unmodifiableMap(new LinkedHashMap<>(values)),
                    Collections.unmodifiableMap(new LinkedHashMap<>(spans)));
        }
    }
}
