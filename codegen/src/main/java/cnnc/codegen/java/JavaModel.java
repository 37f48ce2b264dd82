package cnnc.codegen.java;

import java.util.List;

/**
 * A generated model class: its Java source and what a host needs to drive it — the Keras weight keys in the order
 * its constructor takes them (with their shapes), and its inputs and outputs.
 */
public record JavaModel(String packageName, String className, String source, List<String> weightNames,
        List<long[]> weightShapes, List<String> inputNames, List<long[]> inputShapes, List<String> outputNames,
        List<long[]> outputShapes, List<Boolean> outputBatched, long peakActivationBytesPerExample) {

    public String qualifiedName() {
        return packageName.isEmpty() ? className : packageName + "." + className;
    }
}
