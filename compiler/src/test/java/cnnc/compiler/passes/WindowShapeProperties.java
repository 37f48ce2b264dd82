package cnnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compiler.TestCompile;
import cnnc.compiler.diag.Diagnostic;
import cnnc.compiler.ir.Graph;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Window arithmetic over random sizes, against the formulas computed here: with k' = (k − 1)·d + 1, the output is
 * ⌊(n + pads − k')/s⌋ + 1 for valid and explicit padding and ⌈n/s⌉ for same; stride-1 same keeps H and W.
 */
class WindowShapeProperties {

    /** Padding as written, and the pads it adds before and after along H and along W. */
    record Pad(String text, boolean same, int top, int bottom, int left, int right) {}

    @Provide
    Arbitrary<Pad> paddings() {
        Arbitrary<Integer> p = Arbitraries.integers().between(0, 4);
        return Arbitraries.oneOf(
                Arbitraries.just(new Pad("valid", false, 0, 0, 0, 0)),
                Arbitraries.just(new Pad("same", true, 0, 0, 0, 0)),
                p.map(x -> new Pad(Integer.toString(x), false, x, x, x, x)),
                net.jqwik.api.Combinators.combine(p, p).as((h, w) -> new Pad("(" + h + ", " + w + ")", false, h, h, w,
                        w)),
                net.jqwik.api.Combinators.combine(p, p, p, p).as((t, b, l, r) -> new Pad(
                        "((" + t + ", " + b + "), (" + l + ", " + r + "))", false, t, b, l, r)));
    }

    /** The expected size along one axis, or -1 when the window does not fit. */
    static long expected(long n, int k, int s, int d, boolean same, int before, int after) {
        if (same) {
            return (n + s - 1) / s;
        }
        long effective = (long) (k - 1) * d + 1;
        long padded = n + before + after;
        return padded < effective ? -1 : (padded - effective) / s + 1;
    }

    @Property(tries = 1000)
    void conv2dOutputSize(@ForAll @IntRange(min = 1, max = 40) int h, @ForAll @IntRange(min = 1, max = 40) int w,
            @ForAll @IntRange(min = 1, max = 7) int kh, @ForAll @IntRange(min = 1, max = 7) int kw,
            @ForAll @IntRange(min = 1, max = 4) int sh, @ForAll @IntRange(min = 1, max = 4) int sw,
            @ForAll @IntRange(min = 1, max = 3) int dh, @ForAll @IntRange(min = 1, max = 3) int dw,
            @ForAll boolean strided, @ForAll("paddings") Pad pad) {
        // Keras rejects strides > 1 together with dilation > 1: use one or the other.
        if (strided) {
            dh = 1;
            dw = 1;
        } else {
            sh = 1;
            sw = 1;
        }
        String text = "model M {\n  input [" + h + ", " + w + ", 2]\n  Conv2D(3, (" + kh + ", " + kw + "), strides=("
                + sh + ", " + sw + "), padding=" + pad.text() + ", dilation_rate=(" + dh + ", " + dw + "))\n}\n";
        long outH = expected(h, kh, sh, dh, pad.same(), pad.top(), pad.bottom());
        long outW = expected(w, kw, sw, dw, pad.same(), pad.left(), pad.right());
        if (outH < 0 || outW < 0) {
            List<Diagnostic> errors = TestCompile.errors(text);
            assertEquals(1, errors.size(), errors.toString());
            String axis = outH < 0 ? "height" : "width";
            assertTrue(errors.get(0).message().contains("the kernel " + axis), errors.get(0).message());
            return;
        }
        Graph g = TestCompile.shaped(text);
        assertArrayEquals(new long[] {outH, outW, 3}, g.nodes().get(0).shape().dims(), text);
    }

    @Property(tries = 300)
    void strideOneSameKeepsHeightAndWidth(@ForAll @IntRange(min = 1, max = 40) int h,
            @ForAll @IntRange(min = 1, max = 40) int w, @ForAll @IntRange(min = 1, max = 9) int k,
            @ForAll @IntRange(min = 1, max = 3) int d, @ForAll @IntRange(min = 1, max = 5) int c) {
        String text = "model M {\n  input x: [" + h + ", " + w + ", " + c + "]\n"
                + "  Conv2D(4, " + k + ", padding=same, dilation_rate=" + d + ")(x)\n"
                + "  DepthwiseConv2D(" + k + ", padding=same)(x)\n"
                + "  SeparableConv2D(4, " + k + ", padding=same)(x)\n"
                + "  MaxPooling2D(" + k + ", strides=1, padding=same)(x)\n"
                + "  AveragePooling2D(" + k + ", strides=1, padding=same)(x)\n"
                + "  L2Pooling2D(" + k + ", strides=1, padding=same)(x)\n}\n";
        Graph g = TestCompile.graph(text, "shapes");
        g.nodes().forEach(n -> {
            assertEquals(h, n.shape().dim(0), n.name());
            assertEquals(w, n.shape().dim(1), n.name());
        });
    }

    @Property(tries = 300)
    void poolingStridesDefaultToThePoolSize(@ForAll @IntRange(min = 1, max = 40) int h,
            @ForAll @IntRange(min = 1, max = 40) int w, @ForAll @IntRange(min = 1, max = 5) int p,
            @ForAll boolean same) {
        String text = "model M {\n  input [" + h + ", " + w + ", 3]\n  MaxPooling2D(" + p + ", padding="
                + (same ? "same" : "valid") + ")\n}\n";
        long outH = expected(h, p, p, 1, same, 0, 0);
        long outW = expected(w, p, p, 1, same, 0, 0);
        if (outH < 0 || outW < 0) {
            assertTrue(TestCompile.firstError(text).contains("the pool "), text);
            return;
        }
        assertArrayEquals(new long[] {outH, outW, 3}, TestCompile.shaped(text).nodes().get(0).shape().dims(), text);
    }
}
