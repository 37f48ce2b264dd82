package cnnc.runtime.io;

import java.io.IOException;

/** A consumer that may fail with an {@link IOException}: the body that {@link AtomicFiles#write} runs. */
@FunctionalInterface
public interface IOConsumer<T> {
    void accept(T value) throws IOException;
}
