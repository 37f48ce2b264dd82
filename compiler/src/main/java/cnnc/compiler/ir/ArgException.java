package cnnc.compiler.ir;

/** A value does not fit an argument's type; the message says what was expected and what was given. */
public final class ArgException extends Exception {
    private static final long serialVersionUID = 1L;

    public ArgException(String message) {
        super(message, null, false, false);
    }
}
