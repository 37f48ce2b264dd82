package cnnc.compiler.ir;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An evaluated argument value, before an op's argument schema gives it a type. Printed back in source syntax, so
 * that diagnostics and IR text show values as the user wrote them.
 */
public sealed interface Value {

    /** A short description of the kind of value, for "expected X, got Y" messages. */
    String kind();

    record Int(long value) implements Value {
        @Override
        public String kind() {
            return "an integer";
        }

        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    record Float(double value) implements Value {
        @Override
        public String kind() {
            return "a number";
        }

        @Override
        public String toString() {
            return Values.formatDouble(value);
        }
    }

    record Bool(boolean value) implements Value {
        @Override
        public String kind() {
            return "a boolean";
        }

        @Override
        public String toString() {
            return Boolean.toString(value);
        }
    }

    /** A bare word such as {@code same} or {@code relu}. */
    record Sym(String name) implements Value {
        @Override
        public String kind() {
            return "the name `" + name + "`";
        }

        @Override
        public String toString() {
            return name;
        }
    }

    record Str(String value) implements Value {
        @Override
        public String kind() {
            return "a string";
        }

        @Override
        public String toString() {
            return Values.quote(value);
        }
    }

    record Tuple(List<Value> items) implements Value {
        public Tuple {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "a tuple of " + items.size();
        }

        @Override
        public String toString() {
            if (items.size() == 1) {
                return "(" + items.get(0) + ",)";
            }
            return items.stream().map(Object::toString).collect(Collectors.joining(", ", "(", ")"));
        }
    }
}
