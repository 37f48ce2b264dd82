package cnnc.runtime.io;

import cnnc.compiler.ir.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hugging Face's safetensors weights format (https://github.com/huggingface/safetensors):
 *
 * <pre>
 *   8 bytes   N, the header length, unsigned little-endian
 *   N bytes   UTF-8 JSON: {"name": {"dtype": "F32", "shape": [3, 3], "data_offsets": [begin, end]}, ...,
 *                          "__metadata__": {"key": "value"}}   (optionally padded with trailing spaces)
 *   the rest  the data: each tensor's little-endian elements, C order, at [begin, end) counted from the byte
 *             after the header; the tensors must cover the data exactly, with no gap, overlap or trailing byte
 * </pre>
 *
 * <p>The reader accepts F32 and widens F64 (rounding to nearest), F16 and BF16 (exactly) to float32; it checks every
 * rule above and reports a broken file as a {@link FileFormatException}. Data is read in bounded chunks straight into
 * each tensor's array, so files of several gigabytes work. The writer writes F32 only, in the order of the map given,
 * with the header padded with spaces to a multiple of 8 bytes as the reference implementation does.
 */
public final class Safetensors {
    /** The reference implementation's limit; a larger header means a corrupt file, not a large model. */
    public static final long MAX_HEADER_BYTES = 100_000_000;
    /** The reserved header key for string metadata. */
    public static final String METADATA_KEY = "__metadata__";

    private static final Set<String> KNOWN_DTYPES = Set.of("BOOL", "U8", "I8", "U16", "I16", "U32", "I32", "U64",
            "I64", "F16", "BF16", "F32", "F64", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64");

    private Safetensors() {
    }

    private record Entry(String name, String dtype, ElementType type, long[] shape, int count, long begin,
                         long end) {
        String offsets() {
            return "[" + begin + ", " + end + "]";
        }
    }

    /**
     * Reads every tensor of a safetensors file as float32.
     *
     * @throws FileFormatException when the file breaks the format or holds a dtype other than F32, F64, F16, BF16
     * @throws IOException         when the file cannot be read at all (missing, no permission)
     */
    public static SafetensorsFile read(Path file) throws IOException {
        try (FileChannel channel = DataReader.open(file)) {
            long size = channel.size();
            if (size < 8) {
                throw new FileFormatException(file, "not a safetensors file: it is only " + size + " byte"
                        + (size == 1 ? "" : "s") + " long, too short for the 8-byte header length that starts one");
            }
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            DataReader.readFully(channel, file, prefix, 0);
            long headerLength = prefix.getLong(0);
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
                throw new FileFormatException(file, "not a safetensors file, or a corrupt one: its first 8 bytes give "
                        + "a header length of " + Long.toUnsignedString(headerLength) + " bytes, more than the limit of "
                        + MAX_HEADER_BYTES);
            }
            if (headerLength > size - 8) {
                throw new FileFormatException(file, "truncated, or not a safetensors file: its first 8 bytes give a "
                        + "header length of " + headerLength + " bytes, but only " + (size - 8) + " bytes follow");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            DataReader.readFully(channel, file, headerBytes, 8);
            String text = decodeUtf8(file, headerBytes.array());
            long dataStart = 8 + headerLength;
            long dataLength = size - dataStart;

            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<String, Object> member : parseHeader(file, text).entrySet()) {
                if (member.getKey().equals(METADATA_KEY)) {
                    metadata = metadata(file, member.getValue());
                } else {
                    entries.add(entry(file, member.getKey(), member.getValue(), dataLength));
                }
            }
            checkCoverage(file, entries, dataLength);

            LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                float[] data = DataReader.readFloats(channel, file, dataStart + e.begin, e.count, e.type,
                        ByteOrder.LITTLE_ENDIAN);
                tensors.put(e.name, new Tensor(e.shape, data));
            }
            return new SafetensorsFile(tensors, metadata);
        }
    }

    /**
     * Writes {@code tensors} as F32 in map order, with {@code metadata} (may be empty or {@code null}) as the
     * {@code __metadata__} entry, atomically (see {@link AtomicFiles}).
     *
     * @throws IllegalArgumentException when a tensor is named {@code __metadata__}, or a name or metadata string holds
     *         an unpaired UTF-16 surrogate (which UTF-8 cannot encode)
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        byte[] header = header(tensors, metadata == null ? Map.of() : metadata);
        AtomicFiles.write(file, out -> {
            byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array();
            out.write(length);
            out.write(header);
            for (Tensor t : tensors.values()) {
                DataWriter.writeFloats(out, t.data());
            }
        });
    }

    /** The header bytes {@link #write} puts after the length: compact JSON, space-padded to a multiple of 8. */
    static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            json.append(Json.quote(METADATA_KEY)).append(":{");
            String sep = "";
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                checkUnicode("metadata key", m.getKey());
                checkUnicode("metadata value", m.getValue());
                json.append(sep).append(Json.quote(m.getKey())).append(':').append(Json.quote(m.getValue()));
                sep = ",";
            }
            json.append('}');
        }
        long offset = 0;
        String sep = metadata.isEmpty() ? "" : ",";
        for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
            if (t.getKey().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor may not be named " + METADATA_KEY);
            }
            checkUnicode("tensor name", t.getKey());
            long end = offset + 4L * t.getValue().size();
            json.append(sep).append(Json.quote(t.getKey())).append(":{\"dtype\":\"F32\",\"shape\":[");
            long[] shape = t.getValue().shape();
            for (int i = 0; i < shape.length; i++) {
                json.append(i == 0 ? "" : ",").append(shape[i]);
            }
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
            sep = ",";
        }
        json.append('}');
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (bytes.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(bytes, padded);
        Arrays.fill(out, bytes.length, padded, (byte) ' ');
        return out;
    }

    /** UTF-8 cannot encode a lone UTF-16 surrogate; Java would silently write '?' instead. */
    private static void checkUnicode(String what, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + " " + Json.quote(s) + " is not valid Unicode text: it has "
                        + "an unpaired surrogate at index " + i);
            }
        }
    }

    private static String decodeUtf8(Path file, byte[] bytes) throws FileFormatException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new FileFormatException(file, String.format("the header is not valid UTF-8 text: byte %d of the "
                    + "file (0x%02x) is not part of a valid character", 8 + in.position(), bytes[in.position()] & 0xff));
        }
        return out.flip().toString();
    }

    private static Map<String, Object> parseHeader(Path file, String text) throws FileFormatException {
        if (text.isEmpty() || text.charAt(0) != '{') {
            String start = text.isEmpty() ? "it is empty"
                    : "it starts with " + Json.quote(text.substring(0, Math.min(text.length(), 16)));
            throw new FileFormatException(file, "not a safetensors file: the header should be a JSON object starting "
                    + "with '{', but " + start);
        }
        Object root;
        try {
            root = Json.parse(text);
        } catch (Json.SyntaxException e) {
            if (e.duplicateKey != null) {
                throw new FileFormatException(file, "the header names " + Json.quote(e.duplicateKey) + " twice (line "
                        + e.line + ", column " + e.column + "); each tensor and field may appear only once");
            }
            throw new FileFormatException(file, "the header is not valid JSON: at line " + e.line + ", column "
                    + e.column + ": " + e.problem);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> members = (Map<String, Object>) root; // it starts with '{'
        return members;
    }

    private static Map<String, String> metadata(Path file, Object value) throws FileFormatException {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (value == Json.NULL) {
            return metadata;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new FileFormatException(file, "the header's " + METADATA_KEY + " entry must be an object of "
                    + "strings, but it is " + describe(value));
        }
        for (Map.Entry<?, ?> m : map.entrySet()) {
            if (!(m.getValue() instanceof String s)) {
                throw new FileFormatException(file, "the header's " + METADATA_KEY + " entry must map names to "
                        + "strings, but " + Json.quote((String) m.getKey()) + " is " + describe(m.getValue()));
            }
            metadata.put((String) m.getKey(), s);
        }
        return metadata;
    }

    private static Entry entry(Path file, String name, Object value, long dataLength) throws FileFormatException {
        String tensor = "tensor " + Json.quote(name);
        if (!(value instanceof Map<?, ?> fields)) {
            throw new FileFormatException(file, "the header's entry for " + tensor + " must be an object with "
                    + "\"dtype\", \"shape\" and \"data_offsets\", but it is " + describe(value));
        }
        Object dtypeValue = field(file, tensor, fields, "dtype");
        if (!(dtypeValue instanceof String dtype)) {
            throw new FileFormatException(file, tensor + ": \"dtype\" must be a string such as \"F32\", but it is "
                    + describe(dtypeValue));
        }
        long[] shape = naturals(file, tensor, "shape", field(file, tensor, fields, "shape"), -1);
        long[] offsets = naturals(file, tensor, "data_offsets", field(file, tensor, fields, "data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new FileFormatException(file, tensor + " has data_offsets [" + begin + ", " + end + "], which end "
                    + "before they begin");
        }
        ElementType type = switch (dtype) {
            case "F32" -> ElementType.F32;
            case "F64" -> ElementType.F64;
            case "F16" -> ElementType.F16;
            case "BF16" -> ElementType.BF16;
            default -> throw new FileFormatException(file, tensor + " has " + (KNOWN_DTYPES.contains(dtype)
                    ? "dtype " + dtype + ", which cnnc cannot load" : "unknown dtype " + Json.quote(dtype))
                    + "; weights must be F32, F64, F16 or BF16");
        };
        long count = DataReader.elementCount(shape);
        if (count < 0) {
            throw new FileFormatException(file, tensor + " has shape " + Arrays.toString(shape) + ", more than the "
                    + DataReader.MAX_ELEMENTS + " elements one tensor can hold");
        }
        long bytes = count * type.size;
        if (end - begin != bytes) {
            throw new FileFormatException(file, tensor + " has shape " + Arrays.toString(shape) + " of " + dtype
                    + ", which needs " + bytes + " bytes, but its data_offsets [" + begin + ", " + end + "] span "
                    + (end - begin) + " bytes");
        }
        if (end > dataLength) {
            throw new FileFormatException(file, tensor + " has data_offsets [" + begin + ", " + end + "], which end "
                    + "past the data: the file has only " + dataLength + " bytes after the header (truncated?)");
        }
        return new Entry(name, dtype, type, shape, (int) count, begin, end);
    }

    private static Object field(Path file, String tensor, Map<?, ?> fields, String key) throws FileFormatException {
        Object value = fields.get(key);
        if (value == null) {
            throw new FileFormatException(file, tensor + " has no \"" + key + "\" field in the header");
        }
        return value;
    }

    /** A JSON array of whole numbers >= 0 (of exactly {@code length} items unless it is -1). */
    private static long[] naturals(Path file, String tensor, String key, Object value, int length)
            throws FileFormatException {
        String expected = length == 2 ? "an array of two whole numbers [begin, end]"
                : "an array of whole numbers such as [3, 3, 1, 16]";
        if (!(value instanceof List<?> items) || (length >= 0 && items.size() != length)) {
            throw new FileFormatException(file, tensor + ": \"" + key + "\" must be " + expected + ", but it is "
                    + describe(value));
        }
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(items.get(i) instanceof Long n) || n < 0) {
                throw new FileFormatException(file, tensor + ": \"" + key + "\" must be " + expected + ", but item "
                        + i + " is " + describe(items.get(i)));
            }
            out[i] = n;
        }
        return out;
    }

    /** The tensors must tile [0, dataLength) exactly, as the reference implementation requires. */
    private static void checkCoverage(Path file, List<Entry> entries, long dataLength) throws FileFormatException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry last = null;
        for (Entry e : sorted) {
            if (e.begin < covered) {
                throw new FileFormatException(file, "tensors " + Json.quote(last.name) + " (data_offsets "
                        + last.offsets() + ") and " + Json.quote(e.name) + " (data_offsets " + e.offsets()
                        + ") overlap");
            }
            if (e.begin > covered) {
                throw new FileFormatException(file, "bytes " + covered + " to " + e.begin + " of the data belong to no "
                        + "tensor: a gap between " + (last == null ? "the start of the data" : "tensor "
                        + Json.quote(last.name)) + " and tensor " + Json.quote(e.name));
            }
            covered = e.end;
            last = e;
        }
        if (covered < dataLength) {
            throw new FileFormatException(file, "the last " + (dataLength - covered) + " bytes of the file belong to no "
                    + "tensor (" + (last == null ? "the header lists no tensors" : "the data ends with tensor "
                    + Json.quote(last.name) + " at byte " + covered + " of " + dataLength) + ")");
        }
    }

    /** A JSON value for a message: strings quoted, numbers as written, containers by kind. */
    private static String describe(Object value) {
        if (value instanceof String s) {
            return "the string " + Json.quote(s.length() > 40 ? s.substring(0, 40) + "..." : s);
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List<?> list) {
            return list.size() <= 8 ? "the array " + list : "an array of " + list.size() + " items";
        }
        if (value == null) {
            return "missing";
        }
        return value.toString();
    }
}
