package cnnc.compiler.diag;

/** Thrown by the compiler's entry points when a model has errors; carries every diagnostic found. */
public final class CompileException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Diagnostics diagnostics;

    public CompileException(Diagnostics diagnostics) {
        super(diagnostics.errorCount() + " error(s)");
        this.diagnostics = diagnostics;
    }

    public Diagnostics diagnostics() {
        return diagnostics;
    }
}
