package cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnnc summary --json} parses as JSON and has the contract's keys (fields may be added, never removed), with
 * the values of a small model worked out by hand.
 */
class SummaryJsonContractTest {
    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    @Test
    void tinyModel() throws IOException {
        Cli r = Cli.run("summary", "--json", Cli.file(dir, "tiny.cnn", ExitStatusTest.GOOD).toString());
        assertEquals(0, r.status(), r::toString);
        Map<String, Object> root = object(MiniJson.parse(r.out()));
        assertTrue(root.keySet().containsAll(List.of("model", "inputs", "layers", "outputs", "total_params",
                "trainable_params", "non_trainable_params", "total_macs")), root::toString);
        assertEquals("Tiny", root.get("model"));
        assertEquals(List.of(Map.of("name", "input", "shape", List.of(4L, 4L, 1L))), root.get("inputs"));

        // By hand: conv 3·3·1·2 + 2 = 20 params, 4·4·2 outputs · 3·3·1 = 288 MACs; flatten [32];
        // dense 32·3 + 3 = 99 params (frozen), 3 · 32 = 96 MACs.
        List<Object> layers = list(root.get("layers"));
        assertEquals(3, layers.size());
        assertLayer(layers.get(0), "conv2d", "Conv2D", List.of("input"), List.of(4L, 4L, 2L), 20, 20, 288);
        assertLayer(layers.get(1), "flatten", "Flatten", List.of("conv2d"), List.of(32L), 0, 0, 0);
        assertLayer(layers.get(2), "dense", "Dense", List.of("flatten"), List.of(3L), 99, 0, 96);
        assertEquals(List.of("dense"), root.get("outputs"));
        assertEquals(119L, root.get("total_params"));
        assertEquals(20L, root.get("trainable_params"));
        assertEquals(99L, root.get("non_trainable_params"));
        assertEquals(384L, root.get("total_macs"));
    }

    private static void assertLayer(Object layer, String name, String type, List<String> inputs, List<Long> shape,
            long params, long trainable, long macs) {
        Map<String, Object> l = object(layer);
        assertEquals(name, l.get("name"));
        assertEquals(type, l.get("type"));
        assertEquals(inputs, l.get("inputs"));
        assertEquals(shape, l.get("output_shape"));
        assertEquals(params, l.get("params"));
        assertEquals(trainable, l.get("trainable_params"));
        assertEquals(macs, l.get("macs"));
    }

    @Test
    void blockInstancesAndSeveralOutputs() throws IOException {
        // Two instances of B, each a Dense(2) on [3]: 3·2 + 2 = 8 params each.
        String ok = "block B() {\n  input x\n  Dense(2)(x)\n}\n"
                + "model M {\n  input a: [3]\n  r = B()\n  s = B()(a)\n  output r, s\n}\n";
        Cli r = Cli.run("summary", "--json", Cli.file(dir, "ok.cnn", ok).toString());
        assertEquals(0, r.status(), r::toString);
        Map<String, Object> root = object(MiniJson.parse(r.out()));
        assertEquals(List.of("r/dense", "s/dense"), root.get("outputs"));
        assertEquals(List.of("r/dense", "s/dense"),
                list(root.get("layers")).stream().map(l -> object(l).get("name")).toList());
        assertEquals(16L, root.get("total_params"));
    }
}
