package cnnc.runtime.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes float32 arrays as little-endian bytes in bounded chunks, keeping every bit (NaN payloads included). */
final class DataWriter {
    private static final int CHUNK_FLOATS = 1 << 16;

    private DataWriter() {
    }

    static void writeFloats(OutputStream out, float[] data) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4 * Math.min(CHUNK_FLOATS, Math.max(1, data.length)))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < data.length; ) {
            int n = Math.min(CHUNK_FLOATS, data.length - done);
            buffer.clear();
            for (int i = 0; i < n; i++) {
                buffer.putInt(Float.floatToRawIntBits(data[done + i]));
            }
            out.write(buffer.array(), 0, 4 * n);
            done += n;
        }
    }
}
