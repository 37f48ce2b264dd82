package cnnc.runtime.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data or weights file that cannot be read because of what is in it: the user's problem to fix, not a bug. The
 * message names the file and says what is wrong in words a user understands (the CLI prints it after
 * {@code cnnc: error: } without a stack trace). An {@link IOException} so that callers that only read files need one
 * catch clause; catch this one first to tell a bad file from a failing disk.
 */
public final class FileFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final String problem;

    public FileFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file.toString();
        this.problem = problem;
    }

    /** The file, as the caller named it. */
    public String file() {
        return file;
    }

    /** What is wrong, without the file name. */
    public String problem() {
        return problem;
    }
}
