package cnnc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compiler.ir.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Safetensors} against files made by the format's rules, the reference writer's bytes, and broken files. */
class SafetensorsTest {
    private static final String T = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"f32.safetensors", "mixed.safetensors", "writer_reference.safetensors"})
    @SuppressWarnings("unchecked")
    void readsFixtures(String name) throws IOException {
        Map<String, Object> expected = Fixtures.expected(name);
        Map<String, Object> tensors = (Map<String, Object>) expected.get("tensors");
        SafetensorsFile file = Safetensors.read(Fixtures.path(name));
        assertEquals(tensors.keySet(), file.tensors().keySet());
        for (Map.Entry<String, Object> t : tensors.entrySet()) {
            Fixtures.assertMatches(t.getValue(), file.tensor(t.getKey()), name + " " + t.getKey());
        }
        assertEquals(expected.get("metadata"), file.metadata());
    }

    @Test
    void keepsHeaderOrderAndMetadata() throws IOException {
        SafetensorsFile file = Safetensors.read(Fixtures.path("f32.safetensors"));
        // The reference writer sorts by dtype size, then name: this is header order, not alphabetical by chance.
        assertEquals(List.of("conv1/bias", "conv1/kernel", "empty", "scalar", "special"),
                List.copyOf(file.tensors().keySet()));
        assertEquals(Map.of("format", "np", "note", "ünïcode ✓"), file.metadata());
        assertArrayEquals(new long[] {3, 3, 1, 2}, file.tensor("conv1/kernel").shape());
        assertArrayEquals(new long[] {}, file.tensor("scalar").shape());
        assertArrayEquals(new long[] {0, 4}, file.tensor("empty").shape());
    }

    @Test
    void writesTheReferenceBytes() throws IOException {
        SafetensorsFile reference = Safetensors.read(Fixtures.path("writer_reference.safetensors"));
        Path out = dir.resolve("out.safetensors");
        Safetensors.write(out, reference.tensors(), reference.metadata());
        assertArrayEquals(Fixtures.bytes("writer_reference.safetensors"), Files.readAllBytes(out));
    }

    @Test
    void headerIsPaddedWithSpacesToAMultipleOfEight() throws IOException {
        for (int nameLength = 1; nameLength <= 16; nameLength++) {
            Map<String, Tensor> tensors = Map.of("w".repeat(nameLength), Tensor.zeros(1));
            Path out = dir.resolve("pad.safetensors");
            Safetensors.write(out, tensors, null);
            byte[] bytes = Files.readAllBytes(out);
            long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, n % 8);
            String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
            assertTrue(header.matches("\\{.*} *"), header);
            assertTrue(header.length() - header.strip().length() < 8);
        }
    }

    @Test
    void writerRefusesTheReservedName() {
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(dir.resolve("x.safetensors"),
                Map.of("__metadata__", Tensor.zeros(1)), Map.of()));
    }

    @Test
    void writerRefusesTextUtf8CannotEncode() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Safetensors.write(
                dir.resolve("x.safetensors"), Map.of("w\ud834", Tensor.zeros(1)), Map.of()));
        assertEquals("tensor name \"w\ud834\" is not valid Unicode text: it has an unpaired surrogate at index 1",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(dir.resolve("x.safetensors"), Map.of(),
                Map.of("k", "\udd1e")));
    }

    @Test
    void refusesDtypesItCannotLoad() {
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> Safetensors.read(Fixtures.path("i64.safetensors")));
        assertEquals("tensor \"step\" has dtype I64, which cnnc cannot load; weights must be F32, F64, F16 or BF16",
                e.problem());
    }

    @ParameterizedTest
    @ValueSource(strings = {"f16_table", "bf16_table"})
    void widensEvery16BitPatternAsNumpyDoes(String table) throws IOException {
        Tensor t = Safetensors.read(Fixtures.path(table + ".safetensors")).tensor("t");
        Fixtures.assertMatches(Fixtures.expected(table), t, table);
    }

    /** (header JSON, data length, exact problem). */
    static Stream<Arguments> brokenHeaders() {
        return Stream.of(
                Arguments.of("[]", 0, "not a safetensors file: the header should be a JSON object starting with "
                        + "'{', but it starts with \"[]\""),
                Arguments.of("", 0, "not a safetensors file: the header should be a JSON object starting with '{', "
                        + "but it is empty"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\" \"shape\":[2],\"data_offsets\":[0,8]}}", 8,
                        "the header is not valid JSON: at line 1, column 21: expected ',' or '}' after the value of "
                                + "\"dtype\", found '\"'"),
                Arguments.of("{\"a\":" + T + ",\n\"a\":" + T + "}", 8,
                        "the header names \"a\" twice (line 2, column 1); each tensor and field may appear only once"),
                Arguments.of("{\"a\":" + T, 8, "the header is not valid JSON: at line 1, column 54: expected ',' or "
                        + "'}' after the value of \"a\", found the end of the text"),
                Arguments.of("{\"a\":" + T + "}x", 8, "the header is not valid JSON: at line 1, column 55: "
                        + "found 'x' after the end of the JSON value"),
                Arguments.of("{\"a\":[1]}", 0, "the header's entry for tensor \"a\" must be an object with "
                        + "\"dtype\", \"shape\" and \"data_offsets\", but it is the array [1]"),
                Arguments.of("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8,
                        "tensor \"a\" has no \"dtype\" field in the header"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8,
                        "tensor \"a\" has no \"shape\" field in the header"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8,
                        "tensor \"a\" has no \"data_offsets\" field in the header"),
                Arguments.of("{\"a\":{\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]}}", 8,
                        "tensor \"a\": \"dtype\" must be a string such as \"F32\", but it is 32"),
                Arguments.of("{\"a\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8,
                        "tensor \"a\" has unknown dtype \"F33\"; weights must be F32, F64, F16 or BF16"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,8]}}", 8,
                        "tensor \"a\": \"shape\" must be an array of whole numbers such as [3, 3, 1, 16], but item 1 "
                                + "is -1"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 8,
                        "tensor \"a\": \"shape\" must be an array of whole numbers such as [3, 3, 1, 16], but item 0 "
                                + "is 2.0"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}}", 8,
                        "tensor \"a\": \"shape\" must be an array of whole numbers such as [3, 3, 1, 16], but it is "
                                + "2"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,16]}}", 8,
                        "tensor \"a\": \"data_offsets\" must be an array of two whole numbers [begin, end], but it is "
                                + "the array [0, 8, 16]"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8,
                        "tensor \"a\" has data_offsets [8, 0], which end before they begin"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20,
                        "tensor \"a\" has shape [2, 3] of F32, which needs 24 bytes, but its data_offsets [0, 20] "
                                + "span 20 bytes"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,8]}}", 8,
                        "tensor \"a\" has shape [65536, 65536], more than the 2147483639 elements one tensor can "
                                + "hold"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,99999999999999999999]}}",
                        8, "tensor \"a\": \"data_offsets\" must be an array of two whole numbers [begin, end], but "
                                + "item 1 is 99999999999999999999"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8,
                        "tensor \"a\" has data_offsets [0, 16], which end past the data: the file has only 8 bytes "
                                + "after the header (truncated?)"),
                Arguments.of("{\"a\":" + T + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12,
                        "tensors \"a\" (data_offsets [0, 8]) and \"b\" (data_offsets [4, 12]) overlap"),
                Arguments.of("{\"a\":" + T + ",\"b\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}", 8,
                        "tensors \"a\" (data_offsets [0, 8]) and \"b\" (data_offsets [4, 4]) overlap"),
                Arguments.of("{\"a\":" + T + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20,
                        "bytes 8 to 12 of the data belong to no tensor: a gap between tensor \"a\" and tensor \"b\""),
                Arguments.of("{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12,
                        "bytes 0 to 4 of the data belong to no tensor: a gap between the start of the data and "
                                + "tensor \"b\""),
                Arguments.of("{\"a\":" + T + "}", 11, "the last 3 bytes of the file belong to no tensor (the data "
                        + "ends with tensor \"a\" at byte 8 of 11)"),
                Arguments.of("{}", 5, "the last 5 bytes of the file belong to no tensor (the header lists no "
                        + "tensors)"),
                Arguments.of("{\"__metadata__\":{\"k\":1}}", 0, "the header's __metadata__ entry must map names to "
                        + "strings, but \"k\" is 1"),
                Arguments.of("{\"__metadata__\":[\"k\"]}", 0, "the header's __metadata__ entry must be an object of "
                        + "strings, but it is the array [k]"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"s\":\"\u0001\"}}",
                        4, "the header is not valid JSON: at line 1, column 59: a control character (code 1) inside "
                                + "a string must be written as an escape such as \\n"));
    }

    @ParameterizedTest
    @MethodSource("brokenHeaders")
    void explainsBrokenHeaders(String header, int dataBytes, String problem) throws IOException {
        Path file = write(st(header.getBytes(StandardCharsets.UTF_8), new byte[dataBytes]));
        FileFormatException e = assertThrows(FileFormatException.class, () -> Safetensors.read(file));
        assertEquals(problem, e.problem());
        assertEquals(file + ": " + problem, e.getMessage());
    }

    static Stream<Arguments> brokenPreambles() {
        byte[] huge = st("{}".getBytes(StandardCharsets.UTF_8), new byte[0]);
        huge[7] = (byte) 0x80;
        byte[] large = st("{}".getBytes(StandardCharsets.UTF_8), new byte[0]);
        large[0] = 0;
        large[3] = 0x10;
        return Stream.of(
                Arguments.of(new byte[0], "not a safetensors file: it is only 0 bytes long, too short for the 8-byte "
                        + "header length that starts one"),
                Arguments.of(new byte[] {1}, "not a safetensors file: it is only 1 byte long, too short for the "
                        + "8-byte header length that starts one"),
                Arguments.of(huge, "not a safetensors file, or a corrupt one: its first 8 bytes give a header length "
                        + "of 9223372036854775810 bytes, more than the limit of 100000000"),
                Arguments.of(large, "not a safetensors file, or a corrupt one: its first 8 bytes give a header length "
                        + "of 268435456 bytes, more than the limit of 100000000"),
                Arguments.of(st("{}".getBytes(StandardCharsets.UTF_8), new byte[0], 3), "truncated, or not a "
                        + "safetensors file: its first 8 bytes give a header length of 5 bytes, but only 2 bytes "
                        + "follow"),
                Arguments.of(st(new byte[] {'{', '"', (byte) 0xc3, '"', '}'}, new byte[0]),
                        "the header is not valid UTF-8 text: byte 10 of the file (0xc3) is not part of a valid "
                                + "character"));
    }

    @ParameterizedTest
    @MethodSource("brokenPreambles")
    void explainsBrokenPreambles(byte[] content, String problem) throws IOException {
        Path file = write(content);
        FileFormatException e = assertThrows(FileFormatException.class, () -> Safetensors.read(file));
        assertEquals(problem, e.problem());
    }

    @Test
    void acceptsNullMetadataAndUnknownFieldsAndZeroSizedTensorsAnywhere() throws IOException {
        String header = "{\"__metadata__\":null,\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"note\":[1,{}]},"
                + "\"z\":{\"dtype\":\"BF16\",\"shape\":[0,7],\"data_offsets\":[8,8]}}   ";
        SafetensorsFile file = Safetensors.read(write(st(header.getBytes(StandardCharsets.UTF_8),
                Fixtures.le(1.5f, -2f))));
        assertEquals(List.of("e", "a", "z"), List.copyOf(file.tensors().keySet()));
        assertArrayEquals(new float[] {1.5f, -2f}, file.tensor("a").data());
        assertEquals(Map.of(), file.metadata());
    }

    @ParameterizedTest
    @ValueSource(strings = {"f32.safetensors", "mixed.safetensors"})
    void everyTruncationIsAFileFormatException(String name) throws IOException {
        byte[] whole = Fixtures.bytes(name);
        Path file = dir.resolve("cut.safetensors");
        for (int length = 0; length < whole.length; length++) {
            Files.write(file, Arrays.copyOf(whole, length));
            int at = length;
            assertThrows(FileFormatException.class, () -> Safetensors.read(file), () -> "cut at " + at);
        }
    }

    @Test
    void tensorsAccessorIsACopy() throws IOException {
        SafetensorsFile file = Safetensors.read(Fixtures.path("f32.safetensors"));
        LinkedHashMap<String, Tensor> tensors = file.tensors();
        tensors.clear();
        assertEquals(5, file.tensors().size());
    }

    private Path write(byte[] content) throws IOException {
        Path file = dir.resolve("broken.safetensors");
        Files.write(file, content);
        return file;
    }

    static byte[] st(byte[] header, byte[] data) {
        return st(header, data, 0);
    }

    /** A safetensors file whose length field claims {@code extraClaimed} more header bytes than there are. */
    static byte[] st(byte[] header, byte[] data, int extraClaimed) {
        byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length + extraClaimed)
                .array();
        return Fixtures.concat(length, header, data);
    }
}
