package cnnc.runtime.data;

import java.io.IOException;

/**
 * Data that cannot be used as asked, where the fault is not in the bytes of one file: a data set that cannot be found,
 * labels outside the model's classes, examples of another shape than the model's input, a validation split that
 * leaves nothing. The user's problem to fix; the message names the source and says what is wrong, fit to print after
 * {@code cnnc: error: } without a stack trace. A broken file is a {@link cnnc.runtime.io.FileFormatException} instead.
 */
public final class DataException extends IOException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }
}
