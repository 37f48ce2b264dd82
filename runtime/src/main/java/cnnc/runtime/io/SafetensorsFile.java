package cnnc.runtime.io;

import cnnc.compiler.ir.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a safetensors file holds: its tensors by name, in the order the header lists them, and the free-form string
 * metadata of its {@code __metadata__} entry (empty when it has none).
 *
 * @param tensors  by name, in header order; the accessor returns a fresh copy of the map (the tensors are shared)
 * @param metadata unmodifiable, in header order
 */
public record SafetensorsFile(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {
    public SafetensorsFile {
        tensors = new LinkedHashMap<>(tensors);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    @Override
    public LinkedHashMap<String, Tensor> tensors() {
        return new LinkedHashMap<>(tensors);
    }

    /** The tensor with this name, or {@code null}. */
    public Tensor tensor(String name) {
        return tensors.get(name);
    }
}
