package cnnc.compiler.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compiler.passes.Counting;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every examples/*.cnn compiles and has the parameter totals Keras publishes for it. The expected numbers are
 * typed in from Keras' model.summary() (applications) or the seed handouts, never computed by cnnc.
 */
class ExampleTotalsTest {
    /** total, trainable, non-trainable. */
    record Totals(long total, long trainable, long nonTrainable) {}

    static final Map<String, Totals> PUBLISHED = Map.ofEntries(
            // keras.applications, include_top=True, 224x224x3, 1000 classes (Keras 2.12 model.summary()).
            Map.entry("vgg16.cnn", new Totals(138_357_544, 138_357_544, 0)),
            Map.entry("resnet50.cnn", new Totals(25_636_712, 25_583_592, 53_120)),
            Map.entry("mobilenet.cnn", new Totals(4_253_864, 4_231_976, 21_888)),
            Map.entry("mobilenet_v2.cnn", new Totals(3_538_984, 3_504_872, 34_112)),
            Map.entry("densenet121.cnn", new Totals(8_062_504, 7_978_856, 83_648)),
            // Seed 000, lines 366-368.
            Map.entry("fashion_mnist.cnn", new Totals(402_986, 402_986, 0)),
            // One Conv2D 64 -> 64, 3x3: 3·3·64·64 + 64 (the backend benchmark layer).
            Map.entry("conv64.cnn", new Totals(36_928, 36_928, 0)),
            // Seed 001, lines 1202-1204 and 1553-1557.
            Map.entry("lenet5.cnn", new Totals(61_706, 61_706, 0)),
            Map.entry("seed001_conv_dense.cnn", new Totals(433_290, 433_290, 0)),
            // Seed 002 prints no totals: these are the sums of its Param # column, with the rows it leaves out
            // worked by hand (Dense(10) after 128 units: 128*10 + 10 = 1,290; pooled: Dense(128) after 5*5*32 = 800
            // inputs: 800*128 + 128 = 102,528; AlexNet: every layer by hand, see SeedTablesTest).
            Map.entry("seed002_valid.cnn", new Totals(2_002_698, 2_002_698, 0)),
            Map.entry("seed002_same.cnn", new Totals(3_231_498, 3_231_498, 0)),
            Map.entry("seed002_strided.cnn", new Totals(85_770, 85_770, 0)),
            Map.entry("seed002_pooled.cnn", new Totals(113_386, 113_386, 0)),
            Map.entry("seed002_lenet.cnn", new Totals(61_706, 61_706, 0)),
            Map.entry("seed002_alexnet.cnn", new Totals(62_378_344, 62_378_344, 0)));

    static Stream<String> examples() throws IOException {
        List<String> all = Examples.all();
        assertTrue(all.containsAll(PUBLISHED.keySet()), "missing examples: " + PUBLISHED.keySet() + " vs " + all);
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void matchesPublishedTotals(String file) throws IOException {
        Totals want = PUBLISHED.get(file);
        assertNotNull(want, "no published totals recorded for examples/" + file + "; add them to PUBLISHED");
        Counting.ModelCounts got = Counting.count(Examples.compile(file));
        assertEquals(want, new Totals(got.totalParams(), got.trainableParams(), got.nonTrainableParams()), file);
    }
}
