package cnnc.compiler.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Node;
import cnnc.compiler.passes.Counting;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed handouts' model.summary() tables (shared/seeds/), typed in by hand row by row: layer type, output shape
 * without the batch axis, and Param #. Each example must reproduce its table in order. Where a seed's table is wrong
 * by Keras arithmetic, or leaves rows out, the row is worked by hand and the comment says so.
 */
class SeedTablesTest {
    record Row(String type, List<Long> shape, long params) {
        @Override
        public String toString() {
            return type + " " + shape + " " + params;
        }
    }

    static Row row(String type, long params, long... shape) {
        return new Row(type, Arrays.stream(shape).boxed().toList(), params);
    }

    static void assertTable(String file, long total, Row... want) throws IOException {
        Graph g = Examples.compile(file);
        Counting.ModelCounts counts = Counting.count(g);
        List<Row> got = new ArrayList<>();
        for (Node n : g.nodes()) {
            got.add(new Row(n.op().name(), Arrays.stream(n.shape().dims()).boxed().toList(),
                    counts.layers().get(n.name()).params()));
        }
        assertEquals(String.join("\n", Arrays.stream(want).map(Row::toString).toList()),
                String.join("\n", got.stream().map(Row::toString).toList()), file);
        assertEquals(total, counts.totalParams(), file + " total");
    }

    // Seed 000 (000_f79a810fe18cdfec.txt), lines 358-366.
    @Test
    void seed000FashionMnist() throws IOException {
        assertTable("fashion_mnist.cnn", 402_986,
                row("Conv2D", 160, 28, 28, 16),
                row("MaxPooling2D", 0, 14, 14, 16),
                row("Flatten", 0, 3136),
                row("Dense", 401_536, 128),
                row("Dense", 1290, 10));
    }

    // Seed 001 (001_1c28513d9ba1f607.txt): layer list lines 1192-1199, total line 1202, Param # worked on lines
    // 1229-1244. The slides print no shapes except 5x5x16 (line 1236) and 400 (line 1240); the rest are Keras
    // arithmetic on the code of lines 1178-1185. Line 1233 writes the second conv as 16 x (3 x 3 x 6) + 16 = 880,
    // but the code uses 5x5 kernels and only 16 x (5 x 5 x 6) + 16 = 2,416 gives the printed total 61,706.
    @Test
    void seed001LeNet5() throws IOException {
        assertTable("lenet5.cnn", 61_706,
                row("Conv2D", 156, 28, 28, 6),
                row("AveragePooling2D", 0, 14, 14, 6),
                row("Conv2D", 2416, 10, 10, 16),
                row("AveragePooling2D", 0, 5, 5, 16),
                row("Flatten", 0, 400),
                row("Dense", 48_120, 120),
                row("Dense", 10_164, 84),
                row("Dense", 850, 10));
    }

    // Seed 001 (001_1c28513d9ba1f607.txt), lines 1544-1553: "a very simple CNN".
    @Test
    void seed001SimpleCnn() throws IOException {
        assertTable("seed001_conv_dense.cnn", 433_290,
                row("Conv2D", 640, 26, 26, 64),
                row("Flatten", 0, 43_264),
                row("Dense", 432_650, 10));
    }

    // Seed 002 (002_acdb99b816100fca.txt), lines 303-307; the final Dense(10) row (code line 296) is missing from
    // the table: 128 * 10 + 10 = 1,290.
    @Test
    void seed002Valid() throws IOException {
        assertTable("seed002_valid.cnn", 2_002_698,
                row("Conv2D", 320, 26, 26, 32),
                row("Conv2D", 9248, 24, 24, 32),
                row("Conv2D", 9248, 22, 22, 32),
                row("Flatten", 0, 15_488),
                row("Dense", 1_982_592, 128),
                row("Dense", 1290, 10));
    }

    // Seed 002, lines 343-348.
    @Test
    void seed002Same() throws IOException {
        assertTable("seed002_same.cnn", 3_231_498,
                row("Conv2D", 320, 28, 28, 32),
                row("Conv2D", 9248, 28, 28, 32),
                row("Conv2D", 9248, 28, 28, 32),
                row("Flatten", 0, 25_088),
                row("Dense", 3_211_392, 128),
                row("Dense", 1290, 10));
    }

    // Seed 002, lines 449-454.
    @Test
    void seed002Strided() throws IOException {
        assertTable("seed002_strided.cnn", 85_770,
                row("Conv2D", 320, 14, 14, 32),
                row("Conv2D", 9248, 7, 7, 32),
                row("Conv2D", 9248, 4, 4, 32),
                row("Flatten", 0, 512),
                row("Dense", 65_664, 128),
                row("Dense", 1290, 10));
    }

    // Seed 002, lines 542-545; the table stops there. Flatten and the two Dense layers (code lines 528-531) by hand:
    // 5*5*32 = 800; 800*128 + 128 = 102,528; 128*10 + 10 = 1,290.
    @Test
    void seed002Pooled() throws IOException {
        assertTable("seed002_pooled.cnn", 113_386,
                row("Conv2D", 320, 26, 26, 32),
                row("MaxPooling2D", 0, 13, 13, 32),
                row("Conv2D", 9248, 11, 11, 32),
                row("MaxPooling2D", 0, 5, 5, 32),
                row("Flatten", 0, 800),
                row("Dense", 102_528, 128),
                row("Dense", 1290, 10));
    }

    // Seed 002, lines 731-738. Lines 733-735 print (18, 18, 16), (9, 9, 16) and (486); Keras arithmetic gives
    // 14 - 5 + 1 = 10, then 5, then 5*5*16 = 400 (which the table's own 48,120 = 400*120 + 120 confirms).
    @Test
    void seed002LeNet() throws IOException {
        assertTable("seed002_lenet.cnn", 61_706,
                row("Conv2D", 156, 28, 28, 6),
                row("AveragePooling2D", 0, 14, 14, 6),
                row("Conv2D", 2416, 10, 10, 16),
                row("AveragePooling2D", 0, 5, 5, 16),
                row("Flatten", 0, 400),
                row("Dense", 48_120, 120),
                row("Dense", 10_164, 84),
                row("Dense", 850, 10));
    }

    // Seed 002, lines 761-864: shapes from the walk-through (767, 777, 785, 795, 803, 813, 821, 831, 839, 845, 853,
    // 862). It prints no Param #; these are by hand: kh*kw*cin*filters + filters, inputs*units + units.
    @Test
    void seed002AlexNet() throws IOException {
        assertTable("seed002_alexnet.cnn", 62_378_344,
                row("Conv2D", 11 * 11 * 3 * 96 + 96, 55, 55, 96),          // 34,944
                row("MaxPooling2D", 0, 27, 27, 96),
                row("Conv2D", 5 * 5 * 96 * 256 + 256, 27, 27, 256),        // 614,656
                row("MaxPooling2D", 0, 13, 13, 256),
                row("Conv2D", 3 * 3 * 256 * 384 + 384, 13, 13, 384),       // 885,120
                row("Conv2D", 3 * 3 * 384 * 384 + 384, 13, 13, 384),       // 1,327,488
                row("Conv2D", 3 * 3 * 384 * 256 + 256, 13, 13, 256),       // 884,992
                row("MaxPooling2D", 0, 6, 6, 256),
                row("Flatten", 0, 9216),
                row("Dense", 9216L * 4096 + 4096, 4096),                   // 37,752,832
                row("Dense", 4096L * 4096 + 4096, 4096),                   // 16,781,312
                row("Dense", 4096L * 1000 + 1000, 1000));                  // 4,097,000
    }
}
