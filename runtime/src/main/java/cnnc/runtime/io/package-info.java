/**
 * Reading and writing the array and weight files that cross the program's edge: {@link cnnc.runtime.io.Safetensors}
 * (Hugging Face's weights format) and {@link cnnc.runtime.io.Npy} (NumPy's array format), both to and from
 * {@link cnnc.compiler.ir.Tensor}, plus {@link cnnc.runtime.io.AtomicFiles}, which every writer here uses so that a
 * crash or a full disk never leaves a half-written file in place of a good one.
 *
 * <p>Readers validate every byte they trust and report a user's broken file as a
 * {@link cnnc.runtime.io.FileFormatException} whose message names the file and the problem in plain words; they never
 * fail with an unchecked exception on bad input. Depends only on {@code cnnc.compiler.ir.Tensor} and the JDK.
 */
package cnnc.runtime.io;
