package cnnc.compiler.ir;

import java.util.List;

/**
 * One argument of an op: its Keras name, accepted aliases, type and default. {@code required} arguments have no
 * default; {@code defaultValue} may be null where Keras' default is {@code None}.
 */
public record ArgSpec(String name, List<String> aliases, ArgType type, Object defaultValue, boolean required) {

    public ArgSpec {
        aliases = List.copyOf(aliases);
    }

    public static ArgSpec required(String name, ArgType type, String... aliases) {
        return new ArgSpec(name, List.of(aliases), type, null, true);
    }

    public static ArgSpec optional(String name, ArgType type, Object defaultValue, String... aliases) {
        return new ArgSpec(name, List.of(aliases), type, defaultValue, false);
    }

    public boolean answersTo(String key) {
        return name.equals(key) || aliases.contains(key);
    }
}
