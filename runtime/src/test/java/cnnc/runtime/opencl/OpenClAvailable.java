package cnnc.runtime.opencl;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * Skips a test container where this machine has no OpenCL device, saying why (in the test report and on standard
 * error), never silently.
 */
public final class OpenClAvailable implements SkipExecutionHook {
    private static final String WHY = reason();

    private static String reason() {
        try {
            OpenCl.devices();
            return null;
        } catch (OpenClException e) {
            System.err.println("OpenCL tests SKIPPED: " + e.getMessage());
            return e.getMessage();
        }
    }

    /** Null where OpenCL works, else why not. */
    public static String missing() {
        return WHY;
    }

    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        return WHY == null ? SkipResult.doNotSkip() : SkipResult.skip("no OpenCL: " + WHY);
    }
}
