package cnnc.compiler.ir;

import java.util.regex.Pattern;

/** Keras' layer naming rules. */
public final class Naming {
    private static final Pattern WORD = Pattern.compile("(.)([A-Z][a-z0-9]+)");
    private static final Pattern HUMP = Pattern.compile("([a-z])([A-Z])");

    private Naming() {}

    /**
     * Keras' {@code to_snake_case}: {@code Conv2D} → {@code conv2d}, {@code MaxPooling2D} → {@code max_pooling2d},
     * {@code ReLU} → {@code re_lu}, {@code LeakyReLU} → {@code leaky_re_lu}.
     */
    public static String snakeCase(String name) {
        String intermediate = WORD.matcher(name).replaceAll("$1_$2");
        String insecure = HUMP.matcher(intermediate).replaceAll("$1_$2").toLowerCase(java.util.Locale.ROOT);
        return insecure.startsWith("_") ? "private" + insecure : insecure;
    }
}
