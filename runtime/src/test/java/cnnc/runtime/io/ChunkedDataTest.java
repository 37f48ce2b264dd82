package cnnc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnc.compiler.ir.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Arrays larger than one read chunk (1 MiB), with odd sizes, so that every chunk boundary case is crossed. */
class ChunkedDataTest {
    private static final int N = (1 << 18) * 3 + 7; // three 1 MiB float32 chunks and a bit

    @TempDir
    Path dir;

    @Test
    void npyAndSafetensorsCrossChunkBoundaries() throws IOException {
        float[] data = new float[N];
        for (int i = 0; i < N; i++) {
            data[i] = Float.intBitsToFloat(i * 0x9E3779B1);
        }
        Tensor t = new Tensor(new long[] {N}, data);
        Path npy = dir.resolve("big.npy");
        Npy.write(npy, t);
        assertArrayEquals(Fixtures.bits(t), Fixtures.bits(Npy.read(npy)));

        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("small", new Tensor(new long[] {3}, new float[] {1, 2, 3}));
        tensors.put("big", t);
        Path st = dir.resolve("big.safetensors");
        Safetensors.write(st, tensors, Map.of());
        SafetensorsFile back = Safetensors.read(st);
        assertArrayEquals(Fixtures.bits(t), Fixtures.bits(back.tensor("big")));
        assertArrayEquals(new float[] {1, 2, 3}, back.tensor("small").data());
    }

    @Test
    void bigEndianDoublesAndUnsignedLabelsAcrossChunks() throws IOException {
        int n = 300_001; // 8-byte elements: 2.4 MB
        ByteBuffer f8 = ByteBuffer.allocate(8 * n).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer u8 = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            f8.putDouble(i * 0.5 - 7);
            u8.putLong(i * 3L);
        }
        Path doubles = dir.resolve("f8.npy");
        Files.write(doubles, NpyTest.npy(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (" + n + ",), }",
                f8.array()));
        Tensor t = Npy.read(doubles);
        for (int i = 0; i < n; i++) {
            assertEquals((float) (i * 0.5 - 7), t.data()[i]);
        }
        Path labels = dir.resolve("u8.npy");
        Files.write(labels, NpyTest.npy(2, "{'descr': '<u8', 'fortran_order': False, 'shape': (" + n + ",), }",
                u8.array()));
        long[] values = Npy.readLabels(labels).values();
        for (int i = 0; i < n; i++) {
            assertEquals(i * 3L, values[i]);
        }
    }
}
