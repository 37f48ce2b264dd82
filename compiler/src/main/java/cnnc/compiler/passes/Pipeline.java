package cnnc.compiler.passes;

import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.ir.Graph;
import java.util.ArrayList;
import java.util.List;

/**
 * The ordered list of passes after lowering. {@code run(g, after)} stops after the named pass, which is what
 * {@code cnnc ir FILE --after NAME} prints; "lower" names the IR straight from the front end.
 */
public final class Pipeline {
    private final List<Pass> passes;

    public Pipeline(List<Pass> passes) {
        this.passes = List.copyOf(passes);
    }

    /** The front end's analysis passes: shape inference. */
    public static Pipeline analysis() {
        return new Pipeline(List.of(new InferShapes()));
    }

    /**
     * The training graph: shapes, then reverse-mode autodiff with {@code loss} (null: the model's {@code train}
     * block's loss when {@link cnnc.compiler.Compiler} compiles it, else {@link Grad#defaultLoss}).
     */
    public static Pipeline training(String loss) {
        return new Pipeline(List.of(new InferShapes(), new Grad(loss)));
    }

    /** Everything inference code generation needs: shapes, then fusion. */
    public static Pipeline inference() {
        return new Pipeline(List.of(new InferShapes(), new Fuse()));
    }

    /**
     * This pipeline with {@code loss} for every autodiff pass that names none: a model's {@code train} block's loss
     * (null: unchanged).
     */
    public Pipeline withModelLoss(String loss) {
        if (loss == null) {
            return this;
        }
        List<Pass> out = new ArrayList<>();
        for (Pass p : passes) {
            out.add(p instanceof Grad grad && grad.loss() == null ? new Grad(loss) : p);
        }
        return new Pipeline(out);
    }

    public List<String> names() {
        List<String> out = new ArrayList<>();
        out.add("lower");
        for (Pass p : passes) {
            out.add(p.name());
        }
        return out;
    }

    /** Runs the passes up to and including {@code after} (all when null); null when a pass reported errors. */
    public Graph run(Graph g, String after, Diagnostics diags) {
        if ("lower".equals(after)) {
            return g;
        }
        for (Pass p : passes) {
            g = p.run(g, diags);
            if (g == null) {
                return null;
            }
            if (p.name().equals(after)) {
                return g;
            }
        }
        return g;
    }
}
