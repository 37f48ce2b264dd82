package cnnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnc.compiler.TestCompile;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** {@code trainable=false} moves a layer's parameters from trainable to non-trainable and changes nothing else. */
class TrainableProperties {

    private static String model(int c, int f, int k, int units, boolean trainable) {
        return "model M {\n  input [12, 12, " + c + "]\n"
                + "  Conv2D(" + f + ", " + k + ", padding=same, trainable=" + trainable + ")\n"
                + "  BatchNormalization(trainable=" + trainable + ")\n"
                + "  DepthwiseConv2D(" + k + ", padding=same, trainable=" + trainable + ")\n"
                + "  SeparableConv2D(" + f + ", " + k + ", padding=same, trainable=" + trainable + ")\n"
                + "  GlobalAveragePooling2D()\n"
                + "  Dense(" + units + ", trainable=" + trainable + ")\n}\n";
    }

    @Property(tries = 200)
    void frozenLayersCountAsNonTrainable(@ForAll @IntRange(min = 1, max = 8) int c,
            @ForAll @IntRange(min = 1, max = 8) int f, @ForAll @IntRange(min = 1, max = 5) int k,
            @ForAll @IntRange(min = 1, max = 20) int units) {
        // By hand: conv k·k·c·f + f; batch norm 4f (gamma, beta trainable; moving mean and variance not);
        // depthwise k·k·f + f; separable k·k·f + f·f + f; dense f·units + units.
        long conv = (long) k * k * c * f + f;
        long depthwise = (long) k * k * f + f;
        long separable = (long) k * k * f + (long) f * f + f;
        long dense = (long) f * units + units;
        long total = conv + 4L * f + depthwise + separable + dense;

        Counting.ModelCounts live = Counting.count(TestCompile.shaped(model(c, f, k, units, true)));
        Counting.ModelCounts frozen = Counting.count(TestCompile.shaped(model(c, f, k, units, false)));
        assertEquals(total, live.totalParams());
        assertEquals(total - 2L * f, live.trainableParams());
        assertEquals(total, frozen.totalParams());
        assertEquals(0, frozen.trainableParams());
        assertEquals(total, frozen.nonTrainableParams());
        assertEquals(live.macs(), frozen.macs());
    }
}
