package cnnc.compiler.ir;

/**
 * An op's arguments do not fit its inputs (or each other). {@code argument} names the argument at fault, or is null
 * when the layer as a whole (its inputs) is at fault; the pass reporting it points there.
 */
public final class ShapeException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String argument;

    public ShapeException(String message) {
        this(message, null);
    }

    public ShapeException(String message, String argument) {
        super(message, null, false, false);
        this.argument = argument;
    }

    public String argument() {
        return argument;
    }
}
