/**
 * Training and evaluation data: where a {@code --data SPEC} points ({@link cnnc.runtime.data.DataSpec}), the examples
 * and labels found there ({@link cnnc.runtime.data.Dataset}, one {@link cnnc.runtime.data.Split} of train and test
 * sets), and mini-batches drawn from them in a seeded order and prefetched on a background thread
 * ({@link cnnc.runtime.data.Batches}).
 *
 * <p>Three sources: IDX files as MNIST and Fashion-MNIST ship them, folders of images with one sub-folder per class
 * (as Keras' {@code image_dataset_from_directory}), and a pair of NumPy {@code .npy} arrays. A user's broken or
 * mismatched data is reported as a {@link cnnc.runtime.io.FileFormatException} naming the file, or a
 * {@link cnnc.runtime.data.DataException} naming the source; both are checked {@link java.io.IOException}s whose
 * message is fit to print after {@code cnnc: error: }.
 *
 * <p>Depends on {@code cnnc.runtime.io} (.npy reading, the exceptions), {@code cnnc.compiler.ir.Tensor} (what
 * {@code Npy} returns) and the JDK ({@code javax.imageio} for images); not on models or generated code, so a trainer,
 * an evaluator and tests can use it alike.
 */
package cnnc.runtime.data;
