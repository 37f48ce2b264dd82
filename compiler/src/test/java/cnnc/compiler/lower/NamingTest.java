package cnnc.compiler.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnc.compiler.TestCompile;
import cnnc.compiler.ir.Node;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keras automatic names and the names users write, as spec §5 states them (expected names written by hand). */
class NamingTest {

    private static List<String> names(String text) {
        return TestCompile.graph(text, "lower").nodes().stream().map(Node::name).toList();
    }

    @Test
    void stemsAreKerasSnakeCaseCountedPerClass() {
        assertEquals(List.of("conv2d", "re_lu", "conv2d_1", "leaky_re_lu", "max_pooling2d", "batch_normalization",
                "global_average_pooling2d", "dense", "dense_1"), names(TestCompile.model("Conv2D(2, 1)", "ReLU()",
                "Conv2D(2, 1)", "LeakyReLU()", "MaxPool2D()", "BatchNormalization()", "GlobalAvgPool2D()",
                "Dense(2)", "Dense(2)")));
    }

    @Test
    void aNameWrittenLaterIsNotTakenByAnEarlierAutomaticName() {
        assertEquals(List.of("conv2d_1", "conv2d"),
                names(TestCompile.model("Conv2D(2, 1)", "conv2d = Conv2D(2, 1)")));
        assertEquals(List.of("dense_1", "dense"), names(TestCompile.model("Dense(2)", "Dense(2, name=dense)")));
    }

    @Test
    void namesARepeatWillTakeAreKeptFree() {
        // `dense` in a 2-iteration repeat becomes dense_1 and dense_2, so the automatic names skip to dense_3.
        assertEquals(List.of("dense", "dense_3", "dense_1", "dense_2", "dense_4"), names(TestCompile.model(
                "Dense(2)", "Dense(2)", "repeat 2 { dense = Dense(2) }", "Dense(2)")));
    }

    @Test
    void nestedRepeatsAccumulateSuffixesOuterFirst() {
        assertEquals(List.of("d_1_1", "d_1_2", "d_2_1", "d_2_2"),
                names(TestCompile.model("repeat 2 { repeat 2 { d = Dense(2) } }")));
    }

    @Test
    void blockBodiesReserveTheirNamesToo() {
        String text = "block B() {\n  input x\n  Conv2D(2, 1)\n  conv2d = Conv2D(2, 1)\n}\n"
                + "model M {\n  input [4, 4, 1]\n  B()\n  B()\n}\n";
        assertEquals(List.of("b/conv2d_1", "b/conv2d", "b_1/conv2d_1", "b_1/conv2d"), names(text));
    }

    @Test
    void namedBlockInstancesInARepeatCarryTheSuffixInTheirPrefix() {
        String text = "block Unit() {\n  input x\n  Dense(2)\n}\n"
                + "model M {\n  input [4]\n  repeat 2 { u = Unit() }\n  Unit()\n}\n";
        assertEquals(List.of("u_1/dense", "u_2/dense", "unit/dense"), names(text));
    }

    @Test
    void automaticNamesAreBoundAndCanBeReferenced() {
        assertEquals(List.of("dense", "dense_1", "add"),
                names(TestCompile.model("Dense(2)", "Dense(2)", "Add()(dense, dense_1)")));
    }
}
