package cnnc.compiler.diag;

/**
 * One problem found in a model file, reported as {@code FILE:LINE:COL: error: MESSAGE} followed by the source line
 * and a caret under the part at fault (the format of gcc and clang, which editors and CI logs understand).
 */
public record Diagnostic(Span span, Severity severity, String message) {

    public static Diagnostic error(Span span, String message) {
        return new Diagnostic(span, Severity.ERROR, message);
    }

    public static Diagnostic warning(Span span, String message) {
        return new Diagnostic(span, Severity.WARNING, message);
    }

    /** The first line alone: {@code FILE:LINE:COL: error: MESSAGE}. */
    public String headline() {
        return span + ": " + severity.label() + ": " + message;
    }

    /** The headline, the source line and a caret line. */
    public String render() {
        StringBuilder out = new StringBuilder(headline());
        if (span.file() != null) {
            String source = span.file().line(span.line());
            if (!source.isEmpty() && isPrintable(source)) {
                out.append('\n').append(source).append('\n');
                // Columns count characters (code points), as the parser does, not UTF-16 units.
                int[] chars = source.codePoints().toArray();
                for (int i = 1; i < span.column() && i <= chars.length; i++) {
                    out.append(chars[i - 1] == '\t' ? '\t' : ' ');
                }
                int width = Math.max(1, Math.min(span.length(), chars.length - span.column() + 1));
                out.append('^');
                for (int i = 1; i < width; i++) {
                    out.append('~');
                }
            }
        }
        return out.toString();
    }

    private static boolean isPrintable(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (Character.isISOControl(c) && c != '\t') {
                return false;
            }
        }
        return true;
    }
}
