package cnnc.runtime.train;

import cnnc.compiler.diag.Suggestions;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses learning-rate schedules as users write them: {@code constant}, {@code step(every=2, factor=0.5)},
 * {@code cosine(decay_steps=1000, alpha=0.0)}. Names are case-insensitive ({@code CosineDecay} is Keras' name for
 * {@code cosine}); arguments are Keras' ({@code initial_learning_rate}, {@code decay_steps}, {@code alpha}), with
 * {@code learning_rate} and {@code lr} accepted for {@code initial_learning_rate}. A schedule that does not give its
 * initial rate starts from the optimizer's {@code learning_rate}.
 */
public final class LearningRates {
    /** The schedules cnnc has. */
    public static final List<String> NAMES = List.of("constant", "step", "cosine");
    private static final Map<String, String> NAME_ALIASES = Map.of("cosinedecay", "cosine", "stepdecay", "step");
    private static final Set<String> KERAS_UNSUPPORTED = Set.of("exponentialdecay", "piecewiseconstantdecay",
            "polynomialdecay", "inversetimedecay", "cosinedecayrestarts");
    private static final Map<String, String> ALIASES = Map.of("learning_rate", "initial_learning_rate",
            "lr", "initial_learning_rate");
    private static final Set<String> UNSUPPORTED_ARGS = Set.of("warmup_target", "warmup_steps", "name");

    private LearningRates() {
    }

    /**
     * Parses a schedule spec.
     *
     * @param initial the rate to start from when the spec does not give {@code initial_learning_rate} (the
     *                optimizer's {@code learning_rate})
     * @throws IllegalArgumentException saying what is wrong, with a did-you-mean for misspelt names
     */
    public static LearningRate parse(String spec, double initial) {
        return parse(CallSpec.parse(spec, "learning-rate schedule"), initial);
    }

    static LearningRate parse(CallSpec call, double initial) {
        String name = canonicalName(call.name());
        List<String> params = switch (name) {
            case "constant" -> List.of("initial_learning_rate");
            case "step" -> List.of("initial_learning_rate", "every", "factor");
            default -> List.of("initial_learning_rate", "decay_steps", "alpha");
        };
        Arguments args = Arguments.bind(call, name, params, ALIASES, UNSUPPORTED_ARGS);
        double rate = args.number("initial_learning_rate", initial);
        if (args.has("initial_learning_rate")) {
            args.check(rate > 0 && rate < Double.POSITIVE_INFINITY, "initial_learning_rate", "a number > 0");
        }
        return switch (name) {
            case "constant" -> new ConstantLearningRate(rate);
            case "step" -> {
                require(args, "every", "step(every=2, factor=0.5)");
                require(args, "factor", "step(every=2, factor=0.5)");
                long every = args.whole("every", 1);
                args.check(every >= 1 && every <= Integer.MAX_VALUE, "every", "a whole number of epochs >= 1");
                double factor = args.number("factor", 1);
                args.check(factor > 0 && factor <= 1, "factor", "in (0, 1]");
                yield new StepDecay(rate, (int) every, factor);
            }
            default -> {
                require(args, "decay_steps", "cosine(decay_steps=1000)");
                long steps = args.whole("decay_steps", 1);
                args.check(steps >= 1, "decay_steps", "a whole number of steps >= 1");
                double alpha = args.number("alpha", 0.0);
                args.check(alpha >= 0 && alpha <= 1, "alpha", "in [0, 1]");
                yield new CosineDecay(rate, steps, alpha);
            }
        };
    }

    /** Whether {@code name} (any case) names a schedule, as opposed to an optimizer or a typo. */
    static boolean isSchedule(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return NAMES.contains(lower) || NAME_ALIASES.containsKey(lower) || KERAS_UNSUPPORTED.contains(lower);
    }

    private static String canonicalName(String written) {
        String lower = written.toLowerCase(Locale.ROOT);
        if (NAMES.contains(lower)) {
            return lower;
        }
        if (NAME_ALIASES.containsKey(lower)) {
            return NAME_ALIASES.get(lower);
        }
        if (KERAS_UNSUPPORTED.contains(lower)) {
            throw new IllegalArgumentException("the learning-rate schedule `" + written + "` is not supported yet; "
                    + "cnnc has " + String.join(", ", NAMES));
        }
        throw new IllegalArgumentException("unknown learning-rate schedule `" + written + "`"
                + Suggestions.didYouMean(written, NAMES) + " (cnnc has " + String.join(", ", NAMES) + ")");
    }

    private static void require(Arguments args, String param, String example) {
        if (!args.has(param)) {
            throw args.error("`" + param + "` is required, as in `" + example + "`");
        }
    }

    /** A learning rate must be a finite number > 0. */
    static void checkRate(double rate) {
        if (!(rate > 0 && rate < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("a learning rate must be a number > 0, not " + PyRepr.number(rate));
        }
    }
}
