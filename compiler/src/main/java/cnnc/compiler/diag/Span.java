package cnnc.compiler.diag;

/**
 * A place in a source file: 1-based line and column (in characters) and a length, for the caret under the text.
 * Spans are what every AST node and IR node carries, so that any pass can report against the user's text.
 */
public record Span(SourceFile file, int line, int column, int length) {

    public Span {
        if (line < 1) {
            line = 1;
        }
        if (column < 1) {
            column = 1;
        }
        if (length < 1) {
            length = 1;
        }
    }

    /** A span from the start of this one to the end of {@code other} when both are on one line, else this one. */
    public Span to(Span other) {
        if (other == null || other.line != line || other.column < column) {
            return this;
        }
        return new Span(file, line, column, other.column + other.length - column);
    }

    @Override
    public String toString() {
        return (file == null ? "<input>" : file.name()) + ":" + line + ":" + column;
    }
}
