/**
 * What training needs besides the model's gradients: optimizers that turn a step's gradients into weight updates
 * ({@link cnnc.runtime.train.Optimizer}: {@link cnnc.runtime.train.Sgd}, {@link cnnc.runtime.train.Adam},
 * {@link cnnc.runtime.train.RmsProp}, parsed from a Keras-style spec by {@link cnnc.runtime.train.Optimizers}),
 * learning-rate schedules ({@link cnnc.runtime.train.LearningRate}, {@link cnnc.runtime.train.LearningRates}),
 * checkpoints that hold weights and optimizer state in one safetensors file ({@link cnnc.runtime.train.Checkpoint},
 * {@link cnnc.runtime.train.CheckpointDir}), and {@link cnnc.runtime.train.EarlyStopping}.
 *
 * <p>The optimizers follow the non-legacy {@code tf.keras.optimizers} of Keras 2.12 exactly (update rules, defaults,
 * argument names, when the learning-rate schedule is read), computing in double per element and storing float32, so
 * a model trained here and one trained in Keras with the same gradients stay within float rounding of each other.
 *
 * <p>Weights and gradients are flat {@code float[]}s keyed {@code <layer>.<weight>} (Keras names, as the autodiff pass
 * produces them). Depends on {@code cnnc.runtime.io} (safetensors, atomic writes), {@code cnnc.compiler.ir.Tensor}
 * and {@code cnnc.compiler.diag.Suggestions} (did-you-mean). {@code Trainer} and {@code Evaluation} run a model's
 * generated training step and inference code through {@code cnnc.runtime.java} and read batches from
 * {@code cnnc.runtime.data}; {@code TrainingPlot} draws the training curve with {@code java.awt} and
 * {@code javax.imageio} (headless).
 */
package cnnc.runtime.train;
