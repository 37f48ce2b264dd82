package cnnc.compiler.ir;

import cnnc.compiler.diag.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model as a DAG of typed ops: named inputs, nodes in a topological (definition) order, and named outputs. Every
 * value has one name, unique in the graph; node inputs and outputs refer to values by name. Immutable.
 */
public final class Graph {
    private final String name;
    private final List<GraphInput> inputs;
    private final List<Node> nodes;
    private final List<String> outputs;
    private final Span span;
    private final Map<String, Node> byName = new HashMap<>();
    private final Map<String, GraphInput> inputsByName = new HashMap<>();

    public Graph(String name, List<GraphInput> inputs, List<Node> nodes, List<String> outputs, Span span) {
        this.name = name;
        this.inputs = List.copyOf(inputs);
        this.nodes = List.copyOf(nodes);
        this.outputs = List.copyOf(outputs);
        this.span = span;
        for (Node n : this.nodes) {
            byName.put(n.name(), n);
        }
        for (GraphInput in : this.inputs) {
            inputsByName.put(in.name(), in);
        }
    }

    public String name() {
        return name;
    }

    public List<GraphInput> inputs() {
        return inputs;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public List<String> outputs() {
        return outputs;
    }

    public Span span() {
        return span;
    }

    public Node node(String valueName) {
        return byName.get(valueName);
    }

    public GraphInput input(String valueName) {
        return inputsByName.get(valueName);
    }

    /** The shape of a value, whether a graph input or a node's output (null before shape inference). */
    public Shape shapeOf(String valueName) {
        GraphInput in = inputsByName.get(valueName);
        if (in != null) {
            return in.shape();
        }
        Node n = byName.get(valueName);
        return n == null ? null : n.shape();
    }

    /** The nodes that read {@code valueName}, in order. */
    public List<Node> consumers(String valueName) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n.inputs().contains(valueName)) {
                out.add(n);
            }
        }
        return out;
    }

    public Graph withNodes(List<Node> newNodes) {
        return new Graph(name, inputs, newNodes, outputs, span);
    }

    public Graph withNodesAndOutputs(List<Node> newNodes, List<String> newOutputs) {
        return new Graph(name, inputs, newNodes, newOutputs, span);
    }

    /** The IR as text (see {@link IrPrinter}). */
    @Override
    public String toString() {
        return IrPrinter.print(this);
    }
}
