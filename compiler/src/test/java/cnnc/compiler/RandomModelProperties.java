package cnnc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Node;
import cnnc.compiler.passes.Counting;
import cnnc.compiler.passes.Pipeline;
import cnnc.compiler.passes.Verifier;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random valid models compile to what {@link RandomModels} worked out by hand: each expanded layer's shape and
 * parameter counts, and the totals as their sums; and the IR keeps its invariants after every pass.
 */
class RandomModelProperties {

    @Provide
    Arbitrary<RandomModels.Model> models() {
        return RandomModels.models();
    }

    @Property(tries = 300)
    void layersHaveTheExpectedShapesAndParams(@ForAll("models") RandomModels.Model m) {
        Graph g = TestCompile.graph(m.text(), "shapes");
        List<Node> nodes = g.nodes();
        assertEquals(m.layers().size(), nodes.size(), () -> g.toString());
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            RandomModels.Layer want = m.layers().get(i);
            assertArrayEquals(want.shape(), n.shape().dims(), n.name());
            Counting.LayerCounts c = Counting.count(g, n);
            assertEquals(want.params(), c.params(), n.name() + " params");
            assertEquals(want.trainable(), c.trainableParams(), n.name() + " trainable params");
        }
    }

    @Property(tries = 300)
    void totalsAreTheSumsOfTheLayers(@ForAll("models") RandomModels.Model m) {
        Graph g = TestCompile.graph(m.text(), "shapes");
        Counting.ModelCounts counts = Counting.count(g);
        assertEquals(m.params(), counts.totalParams());
        assertEquals(m.trainable(), counts.trainableParams());
        assertEquals(m.params() - m.trainable(), counts.nonTrainableParams());
        long sum = 0;
        long macs = 0;
        for (Node n : g.nodes()) {
            sum += Counting.count(g, n).params();
            macs += Counting.count(g, n).macs();
        }
        assertEquals(sum, counts.totalParams());
        assertEquals(macs, counts.macs());
    }

    @Property(tries = 200)
    void theVerifierPassesAfterEveryPass(@ForAll("models") RandomModels.Model m) {
        for (String pass : Pipeline.inference().names()) {
            Verifier.verify(TestCompile.graph(m.text(), pass), !pass.equals("lower"));
        }
    }
}
