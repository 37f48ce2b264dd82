package cnnc.runtime.train;

/** The same rate at every step: what a plain number given as Keras' {@code learning_rate} means. */
public record ConstantLearningRate(double rate) implements LearningRate {
    public ConstantLearningRate {
        LearningRates.checkRate(rate);
    }

    @Override
    public double at(long iteration, int epoch) {
        return rate;
    }

    @Override
    public double initial() {
        return rate;
    }

    @Override
    public String describe() {
        return PyRepr.number(rate);
    }
}
