package cnnc.runtime.train;

/**
 * Step decay by epoch: {@code initial * factor^floor(epoch / every)}, the schedule of Krizhevsky et al. 2012 and
 * He et al. 2016 (divide the rate by 10, or halve it, every few epochs); in Keras a {@code LearningRateScheduler}
 * callback, in PyTorch {@code StepLR}. The step count does not enter.
 *
 * @param initial the rate in the first {@code every} epochs
 * @param every   epochs between two decays, at least 1
 * @param factor  what each decay multiplies the rate by, in (0, 1]
 */
public record StepDecay(double initial, int every, double factor) implements LearningRate {
    public StepDecay {
        LearningRates.checkRate(initial);
        if (every < 1) {
            throw new IllegalArgumentException("step: `every` must be at least 1 epoch, not " + every);
        }
        if (!(factor > 0 && factor <= 1)) {
            throw new IllegalArgumentException("step: `factor` must be in (0, 1], not " + PyRepr.number(factor));
        }
    }

    @Override
    public double at(long iteration, int epoch) {
        return initial * Math.pow(factor, Math.floorDiv(Math.max(epoch, 0), every));
    }

    @Override
    public String describe() {
        return "step(initial_learning_rate=" + PyRepr.number(initial) + ", every=" + every + ", factor="
                + PyRepr.number(factor) + ")";
    }
}
