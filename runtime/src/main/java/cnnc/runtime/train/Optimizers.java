package cnnc.runtime.train;

import cnnc.compiler.diag.Suggestions;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses optimizers as users write them, in Keras' words: {@code adam}, {@code adam(learning_rate=0.001)},
 * {@code SGD(learning_rate=0.1, momentum=0.9, nesterov=true)}, {@code RMSprop(0.01, centered=True)}. Names are
 * case-insensitive; arguments are those of Keras 2.12's {@code tf.keras.optimizers} constructors, by keyword or in
 * their order, with Keras' defaults and {@code lr} accepted for {@code learning_rate}. The learning rate may be a
 * schedule: {@code adam(learning_rate=cosine(decay_steps=1000))}, or one given apart by
 * {@link #parse(String, String)}.
 *
 * <p>Errors are {@link IllegalArgumentException}s whose message names the optimizer and argument, says what was
 * expected and, for a misspelt name, suggests the closest one.
 */
public final class Optimizers {
    /** The optimizers cnnc has. */
    public static final List<String> NAMES = List.of("sgd", "adam", "rmsprop");

    private static final Set<String> KERAS_UNSUPPORTED = Set.of("adamw", "adagrad", "adadelta", "adamax", "nadam",
            "ftrl", "lion", "adafactor");
    private static final Set<String> UNSUPPORTED_ARGS = Set.of("weight_decay", "clipnorm", "clipvalue",
            "global_clipnorm", "use_ema", "ema_momentum", "ema_overwrite_frequency", "jit_compile", "name", "decay");
    private static final Map<String, String> ALIASES = Map.of("lr", "learning_rate");

    private Optimizers() {
    }

    /**
     * Parses an optimizer spec.
     *
     * @throws IllegalArgumentException for an unknown optimizer or argument, a value of the wrong type or out of range
     */
    public static Optimizer parse(String spec) {
        return parse(spec, null);
    }

    /**
     * Parses an optimizer spec and a learning-rate schedule spec given apart (as {@code --lr-schedule}); the schedule
     * starts from the optimizer's {@code learning_rate} unless it gives its own {@code initial_learning_rate}.
     *
     * @param schedule a {@link LearningRates} spec, or null for the optimizer's own learning rate
     * @throws IllegalArgumentException as {@link #parse(String)}, and when the learning rate is given both ways
     */
    public static Optimizer parse(String spec, String schedule) {
        CallSpec call = CallSpec.parse(spec, "optimizer");
        String name = canonicalName(call.name());
        List<String> params = switch (name) {
            case "sgd" -> List.of("learning_rate", "momentum", "nesterov");
            case "adam" -> List.of("learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad");
            default -> List.of("learning_rate", "rho", "momentum", "epsilon", "centered");
        };
        Arguments args = Arguments.bind(call, name, params, ALIASES, UNSUPPORTED_ARGS);
        LearningRate rate = learningRate(args, name.equals("sgd") ? 0.01 : 0.001, schedule);
        return switch (name) {
            case "sgd" -> {
                double momentum = args.number("momentum", 0.0);
                args.check(momentum >= 0 && momentum <= 1, "momentum", "in [0, 1]");
                yield new Sgd(rate, momentum, args.bool("nesterov", false));
            }
            case "adam" -> new Adam(rate, unit(args, "beta_1", 0.9), unit(args, "beta_2", 0.999),
                    epsilon(args), args.bool("amsgrad", false));
            default -> {
                double rho = unit(args, "rho", 0.9);
                double momentum = args.number("momentum", 0.0);
                args.check(momentum >= 0 && momentum <= 1, "momentum", "in [0, 1]");
                yield new RmsProp(rate, rho, momentum, epsilon(args), args.bool("centered", false));
            }
        };
    }

    private static LearningRate learningRate(Arguments args, double fallback, String schedule) {
        CallSpec.Value value = args.value("learning_rate");
        LearningRate rate;
        if (value == null || value instanceof CallSpec.Number) {
            double lr = args.number("learning_rate", fallback);
            if (value != null) {
                args.check(lr > 0 && lr < Double.POSITIVE_INFINITY, "learning_rate", "a number > 0");
            }
            rate = new ConstantLearningRate(lr);
        } else {
            CallSpec inner = value instanceof CallSpec.Call c ? c.call()
                    : new CallSpec(value.text(), List.of(), value.text());
            if (!LearningRates.isSchedule(inner.name())) {
                throw args.error("`learning_rate` must be a number > 0 or a schedule such as "
                        + "`cosine(decay_steps=1000)`, not `" + value.text() + "`"
                        + Suggestions.didYouMean(inner.name(), LearningRates.NAMES));
            }
            rate = LearningRates.parse(inner, fallback);
        }
        if (schedule == null) {
            return rate;
        }
        if (!(rate instanceof ConstantLearningRate)) {
            throw args.error("the learning rate is a schedule (`" + value.text() + "`) and a schedule is also given "
                    + "apart (`" + schedule + "`); give one");
        }
        LearningRate scheduled = LearningRates.parse(schedule, rate.initial());
        if (value != null && scheduled.initial() != rate.initial()) {
            throw args.error("`learning_rate` is " + value.text() + " but the schedule `" + schedule + "` starts at "
                    + PyRepr.number(scheduled.initial()) + "; give the initial rate once");
        }
        return scheduled;
    }

    private static double unit(Arguments args, String param, double fallback) {
        double value = args.number(param, fallback);
        args.check(value >= 0 && value < 1, param, "in [0, 1)");
        return value;
    }

    private static double epsilon(Arguments args) {
        double value = args.number("epsilon", 1e-7);
        args.check(value > 0 && value < Double.POSITIVE_INFINITY, "epsilon", "a number > 0");
        return value;
    }

    private static String canonicalName(String written) {
        String lower = written.toLowerCase(Locale.ROOT);
        if (NAMES.contains(lower)) {
            return lower;
        }
        if (KERAS_UNSUPPORTED.contains(lower)) {
            throw new IllegalArgumentException("the optimizer `" + written + "` is not supported yet; cnnc has "
                    + String.join(", ", NAMES));
        }
        if (LearningRates.isSchedule(written)) {
            throw new IllegalArgumentException("`" + written + "` is a learning-rate schedule, not an optimizer; give "
                    + "it as an optimizer's learning rate, as in `adam(learning_rate=" + lower + "(...))`");
        }
        throw new IllegalArgumentException("unknown optimizer `" + written + "`"
                + Suggestions.didYouMean(written, NAMES) + " (cnnc has " + String.join(", ", NAMES) + ")");
    }

    /** Checks a decay rate in [0, 1) for a constructor. */
    static void checkUnit(String owner, String param, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(owner + ": `" + param + "` must be in [0, 1), not "
                    + PyRepr.number(value));
        }
    }

    /** Checks an epsilon for a constructor. */
    static void checkEpsilon(String owner, double value) {
        if (!(value > 0 && value < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(owner + ": `epsilon` must be a number > 0, not " + PyRepr.number(value));
        }
    }
}
