package cnnc.compiler.ir;

/** Converts an evaluated {@link Value} into the typed attribute an op reads, or says why it cannot. */
public interface ArgType {

    /** The typed value, or null only where the type accepts {@code None}. */
    Object convert(Value value) throws ArgException;

    /** What this type accepts, in words: "a positive integer". */
    String expected();
}
