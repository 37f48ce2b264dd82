package cnnc.runtime.data;

/**
 * One mini-batch, as {@link Batches#next()} hands it out. The arrays are buffers sized for a full batch and reused:
 * they hold this batch until the next call to {@code next()} or {@code close()}. Only the first {@code size} examples
 * are this batch's (fewer than the batch size in an epoch's last batch); the rest of each array is zero.
 *
 * @param number  the batch's position in its epoch, from 0
 * @param size    the examples in this batch
 * @param indices which data set examples these are, {@code [B]}
 * @param images  the examples, {@code [B, H, W, C]} row-major
 * @param labels  their class numbers, {@code [B]}
 * @param targets their target rows, {@code [B, classes]}: one-hot of the label, or the data set's own rows
 */
public record Batch(int number, int size, int[] indices, float[] images, int[] labels, float[] targets) {
}
