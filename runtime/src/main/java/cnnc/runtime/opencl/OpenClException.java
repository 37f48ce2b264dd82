package cnnc.runtime.opencl;

/**
 * An OpenCL failure a user can cause or meet: no OpenCL library or platform, no such device, a kernel that does not
 * build, device memory exhausted, a lost device. The message is for the user, whole; the CLI prints it and exits 1.
 */
public final class OpenClException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OpenClException(String message) {
        super(message, null, false, false);
    }
}
