package cnnc.codegen.java;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The weights resource inside a compiled jar, read by the generated {@code load()}: magic {@code CNNCW001}, an int
 * count, then per tensor a short name length, the UTF-8 name, an int rank, the int dimensions and the float32 data,
 * all little-endian, in the order of the class's {@code WEIGHT_NAMES}.
 */
public final class WeightsBlob {
    public static final String MAGIC = "CNNCW001";

    private WeightsBlob() {}

    public static byte[] encode(List<String> names, List<long[]> shapes, List<float[]> data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le(4).putInt(names.size()).array());
        for (int i = 0; i < names.size(); i++) {
            byte[] name = names.get(i).getBytes(StandardCharsets.UTF_8);
            out.writeBytes(le(2).putShort((short) name.length).array());
            out.writeBytes(name);
            long[] shape = shapes.get(i);
            ByteBuffer s = le(4 + 4 * shape.length).putInt(shape.length);
            for (long d : shape) {
                s.putInt(Math.toIntExact(d));
            }
            out.writeBytes(s.array());
            float[] f = data.get(i);
            ByteBuffer b = le(4 * f.length);
            b.asFloatBuffer().put(f);
            out.writeBytes(b.array());
        }
        return out.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
