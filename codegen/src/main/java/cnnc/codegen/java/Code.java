package cnnc.codegen.java;

/** Java statements with indentation, built line by line (braces opened and closed in pairs). */
final class Code {
    private final StringBuilder out = new StringBuilder();
    private int depth;

    Code line(String s) {
        for (String l : s.split("\n")) {
            if (!l.isBlank()) {
                out.append("    ".repeat(depth)).append(l.strip()).append('\n');
            }
        }
        return this;
    }

    /** {@code head {} and one level deeper. */
    Code open(String head) {
        line(head + " {");
        depth++;
        return this;
    }

    Code close() {
        depth--;
        line("}");
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
