package cnnc.compiler.passes;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.GraphInput;
import cnnc.compiler.ir.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each value of a (fused) graph lives while it runs: a model input array, a model output array, or one of a few
 * reusable slots. Slots are assigned by liveness (a value's slot is free again after its last reader has run), first
 * fit, growing a slot when needed; a node never writes into a slot one of its own inputs occupies. Flatten and
 * Reshape are views: they share their input's storage. Sizes are per example; a run of N examples needs N times.
 */
public final class MemoryPlan {
    /** Where a value is stored. */
    public enum Kind { INPUT, OUTPUT, SLOT }

    /** A storage location: the index of the input, output or slot. */
    public record Location(Kind kind, int index) {}

    private final Map<String, Location> locations;
    private final long[] slotSizes;

    private MemoryPlan(Map<String, Location> locations, long[] slotSizes) {
        this.locations = locations;
        this.slotSizes = slotSizes;
    }

    public Location location(String value) {
        return locations.get(value);
    }

    /** Per-example sizes of the slots, in floats. */
    public long[] slotSizes() {
        return slotSizes.clone();
    }

    /** Peak activation memory for {@code batch} examples, in bytes, not counting model inputs and outputs. */
    public long peakBytes(long batch) {
        long floats = 0;
        for (long s : slotSizes) {
            floats += s;
        }
        return floats * batch * Float.BYTES;
    }

    /** Whether a node is a view of its input (no kernel, shared storage). */
    public static boolean isView(Node n, Graph g) {
        String op = n.op().name();
        return (op.equals("Flatten") || op.equals("Reshape")) && !g.outputs().contains(n.name());
    }

    public static MemoryPlan plan(Graph g) {
        Map<String, Location> loc = new HashMap<>();
        for (int i = 0; i < g.inputs().size(); i++) {
            GraphInput in = g.inputs().get(i);
            loc.put(in.name(), new Location(Kind.INPUT, i));
        }
        for (int i = 0; i < g.outputs().size(); i++) {
            if (!loc.containsKey(g.outputs().get(i))) {
                loc.put(g.outputs().get(i), new Location(Kind.OUTPUT, i));
            }
        }
        // The storage a value really uses (views resolve to their source) and its last reader.
        Map<String, String> storage = new HashMap<>();
        Map<String, Integer> lastUse = new HashMap<>();
        List<Node> nodes = g.nodes();
        for (int k = 0; k < nodes.size(); k++) {
            Node n = nodes.get(k);
            for (String i : n.inputs()) {
                lastUse.put(root(storage, i), k);
            }
            if (isView(n, g)) {
                storage.put(n.name(), root(storage, n.inputs().get(0)));
            }
        }
        List<Long> sizes = new ArrayList<>();
        List<Integer> busyUntil = new ArrayList<>();
        for (int k = 0; k < nodes.size(); k++) {
            Node n = nodes.get(k);
            if (isView(n, g)) {
                continue;
            }
            if (loc.containsKey(n.name())) {
                continue;
            }
            long size = n.shape().size();
            int until = lastUse.getOrDefault(n.name(), k);
            int best = -1;
            for (int s = 0; s < sizes.size(); s++) {
                if (busyUntil.get(s) < k && (best < 0 || fits(sizes, s, size, best))) {
                    best = s;
                }
            }
            if (best < 0) {
                sizes.add(size);
                busyUntil.add(until);
                best = sizes.size() - 1;
            } else {
                sizes.set(best, Math.max(sizes.get(best), size));
                busyUntil.set(best, until);
            }
            loc.put(n.name(), new Location(Kind.SLOT, best));
        }
        for (Node n : nodes) {
            if (isView(n, g)) {
                loc.put(n.name(), loc.get(root(storage, n.name())));
            }
        }
        long[] s = new long[sizes.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = sizes.get(i);
        }
        return new MemoryPlan(loc, s);
    }

    /** Prefers a slot that already holds {@code size}, the smallest such; else the largest. */
    private static boolean fits(List<Long> sizes, int candidate, long size, int best) {
        long c = sizes.get(candidate);
        long b = sizes.get(best);
        if (c >= size && b >= size) {
            return c < b;
        }
        if (c >= size) {
            return true;
        }
        return b < size && c > b;
    }

    private static String root(Map<String, String> storage, String v) {
        String r = v;
        while (storage.containsKey(r)) {
            r = storage.get(r);
        }
        return r;
    }
}
