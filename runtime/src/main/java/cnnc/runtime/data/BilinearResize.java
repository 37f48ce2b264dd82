package cnnc.runtime.data;

/**
 * Bilinear resizing exactly as TensorFlow 2's {@code tf.image.resize(method="bilinear", antialias=False)}, which Keras'
 * {@code image_dataset_from_directory} uses: half-pixel centres ({@code src = (dst + 0.5) * in / out - 0.5}, clamped to
 * the image), float32 arithmetic, and the same order of interpolation (along x, then y). Downscaling samples without
 * an anti-aliasing filter, as Keras does.
 */
final class BilinearResize {
    private BilinearResize() {
    }

    /**
     * Resizes {@code src} ({@code [h, w, c]}) to {@code [outH, outW, c]}, written into {@code dst} from
     * {@code offset}.
     */
    static void resize(float[] src, int h, int w, int c, float[] dst, int offset, int outH, int outW) {
        if (h == outH && w == outW) {
            System.arraycopy(src, 0, dst, offset, h * w * c);
            return;
        }
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        float[] xLerp = new float[outW];
        weights(w, outW, x0, x1, xLerp);
        int[] y0 = new int[outH];
        int[] y1 = new int[outH];
        float[] yLerp = new float[outH];
        weights(h, outH, y0, y1, yLerp);
        int k = offset;
        for (int y = 0; y < outH; y++) {
            int top = y0[y] * w * c;
            int bottom = y1[y] * w * c;
            float ly = yLerp[y];
            for (int x = 0; x < outW; x++) {
                int left = x0[x] * c;
                int right = x1[x] * c;
                float lx = xLerp[x];
                for (int ch = 0; ch < c; ch++) {
                    float tl = src[top + left + ch];
                    float tr = src[top + right + ch];
                    float bl = src[bottom + left + ch];
                    float br = src[bottom + right + ch];
                    float t = tl + (tr - tl) * lx;
                    float b = bl + (br - bl) * lx;
                    dst[k++] = t + (b - t) * ly;
                }
            }
        }
    }

    /** TensorFlow's {@code compute_interpolation_weights} with its {@code HalfPixelScaler}. */
    private static void weights(int in, int out, int[] lower, int[] upper, float[] lerp) {
        float scale = (float) in / out;
        for (int i = 0; i < out; i++) {
            float src = (i + 0.5f) * scale - 0.5f;
            float floor = (float) Math.floor(src);
            lower[i] = Math.max((int) floor, 0);
            upper[i] = Math.min((int) Math.ceil(src), in - 1);
            lerp[i] = src - floor;
        }
    }
}
