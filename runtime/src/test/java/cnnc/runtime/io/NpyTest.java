package cnnc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cnnc.compiler.ir.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Npy} against files NumPy wrote, np.save's exact bytes, and a table of broken files. */
class NpyTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"f2_le.npy", "f2_be.npy", "f4_le.npy", "f4_be.npy", "f8_le.npy", "f8_be.npy",
            "int_na_u1.npy", "int_na_i1.npy", "int_na_b1.npy", "int_le_i2.npy", "int_be_i2.npy", "int_le_u2.npy",
            "int_le_i4.npy", "int_le_u4.npy", "int_be_u4.npy", "int_le_i8.npy", "int_le_u8.npy",
            "int_le_u8_big.npy", "scalar.npy", "empty.npy", "version1.npy", "version2.npy", "version3.npy",
            "np_save_scalar.npy", "np_save_5.npy", "np_save_2x3.npy", "np_save_1x28x28x1.npy",
            "np_save_1000000x0.npy"})
    void readsWhatNumpyWrote(String name) throws IOException {
        Fixtures.assertMatches(Fixtures.expected(name), Npy.read(Fixtures.path(name)), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"int_na_u1.npy", "int_na_i1.npy", "int_na_b1.npy", "int_le_i2.npy", "int_be_i2.npy",
            "int_le_u2.npy", "int_le_i4.npy", "int_le_u4.npy", "int_be_u4.npy", "int_le_i8.npy", "int_le_u8.npy",
            "labels_i8.npy", "labels_u1.npy", "labels_f4.npy"})
    void readsIntegersExactly(String name) throws IOException {
        Map<String, Object> expected = Fixtures.expected(name);
        LongTensor labels = Npy.readLabels(Fixtures.path(name));
        assertArrayEquals(Fixtures.longs(expected.get("shape")), labels.shape());
        assertArrayEquals(Fixtures.longs(expected.get("ints")), labels.values());
    }

    @Test
    void scalarHasShapeOfRankZero() throws IOException {
        Tensor t = Npy.read(Fixtures.path("scalar.npy"));
        assertEquals(0, t.rank());
        assertEquals(3.5f, t.data()[0]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"np_save_scalar.npy", "np_save_5.npy", "np_save_2x3.npy", "np_save_1x28x28x1.npy",
            "np_save_1000000x0.npy"})
    void writesExactlyWhatNpSaveWrites(String name) throws IOException {
        Tensor t = Npy.read(Fixtures.path(name));
        Path out = dir.resolve(name);
        Npy.write(out, t);
        assertArrayEquals(Fixtures.bytes(name), Files.readAllBytes(out));
        assertEquals(0, NpyHeader.float32Prefix(t.shape()).length % 64, "data starts at a multiple of 64");
    }

    @Test
    void headerOverflowingVersionOneUsesVersionTwo() throws IOException {
        long[] shape = new long[25_000];
        Arrays.fill(shape, 1);
        byte[] prefix = NpyHeader.float32Prefix(shape);
        assertEquals(2, prefix[6]);
        assertEquals(0, prefix.length % 64);
        Path out = dir.resolve("wide.npy");
        Npy.write(out, new Tensor(shape, new float[] {7f}));
        Tensor back = Npy.read(out);
        assertArrayEquals(shape, back.shape());
        assertEquals(7f, back.data()[0]);
    }

    @Test
    void ignoresBytesAfterTheArrayAsNumpyDoes() throws IOException {
        byte[] two = Fixtures.concat(Fixtures.bytes("np_save_5.npy"), Fixtures.bytes("np_save_2x3.npy"));
        Path file = write("two.npy", two);
        Fixtures.assertMatches(Fixtures.expected("np_save_5.npy"), Npy.read(file), "first array");
    }

    static Stream<Arguments> refusedFixtures() {
        return Stream.of(
                Arguments.of("fortran.npy", "Fortran-order arrays are not supported; save with np.ascontiguousarray"),
                Arguments.of("object.npy", "object arrays (dtype '|O', pickled Python objects) are not supported; "
                        + "save a numeric array"),
                Arguments.of("structured.npy", "structured arrays (records with named fields) are not supported; "
                        + "save each field as its own numeric array"),
                Arguments.of("complex.npy", "dtype '<c8' (complex numbers) is not supported; cnnc reads float (f2, "
                        + "f4, f8), integer (i1 to i8, u1 to u8) and bool (b1) arrays"),
                Arguments.of("unicode.npy", "dtype '<U2' (Unicode strings) is not supported; cnnc reads float (f2, "
                        + "f4, f8), integer (i1 to i8, u1 to u8) and bool (b1) arrays"),
                Arguments.of("datetime.npy", "dtype '<M8[D]' (dates and times) is not supported; cnnc reads float "
                        + "(f2, f4, f8), integer (i1 to i8, u1 to u8) and bool (b1) arrays"),
                Arguments.of("archive.npz", "not a .npy file: it looks like a zip archive, such as an .npz file from "
                        + "np.savez; save each array with np.save, or unzip the .npz (its members are .npy files)"),
                Arguments.of("f32.safetensors", "not a .npy file: it does not start with the NumPy magic bytes "
                        + "\\x93NUMPY"));
    }

    @ParameterizedTest
    @MethodSource("refusedFixtures")
    void refusesWhatItCannotRead(String name, String problem) {
        FileFormatException e = assertThrows(FileFormatException.class, () -> Npy.read(Fixtures.path(name)));
        assertEquals(problem, e.problem());
        assertEquals(Fixtures.path(name) + ": " + problem, e.getMessage());
    }

    @Test
    void labelsRefuseFractionsAndHugeUnsignedValues() {
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> Npy.readLabels(Fixtures.path("labels_fraction.npy")));
        assertEquals("element 1 is 2.5, which is not a whole number; expected integer values such as class labels",
                e.problem());
        e = assertThrows(FileFormatException.class, () -> Npy.readLabels(Fixtures.path("int_le_u8_big.npy")));
        assertEquals("element 0 is 18446744073709551615, which is too large for a 64-bit signed integer; expected "
                + "integer values such as class labels", e.problem());
    }

    /** (header dict, data bytes, expected problem); the preamble is built by {@link #npy}. */
    static Stream<Arguments> brokenHeaders() {
        return Stream.of(
                Arguments.of("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 4,
                        "truncated: the header says shape (2,) of float32, which needs 8 bytes of data, but only 4 "
                                + "bytes follow the header"),
                Arguments.of("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 24,
                        "Fortran-order arrays are not supported; save with np.ascontiguousarray"),
                Arguments.of("{'descr': '|f4', 'fortran_order': False, 'shape': (1,), }", 4,
                        "dtype '|f4' is invalid: a 4-byte type needs a byte order, '<' (little-endian) or '>' "
                                + "(big-endian), not '|'"),
                Arguments.of("{'descr': '<f3', 'fortran_order': False, 'shape': (1,), }", 4,
                        "dtype '<f3' (extended-precision floats) is not supported; cnnc reads float (f2, f4, f8), "
                                + "integer (i1 to i8, u1 to u8) and bool (b1) arrays"),
                Arguments.of("{'descr': '<q8', 'fortran_order': False, 'shape': (1,), }", 8,
                        "unknown dtype '<q8'; cnnc reads float (f2, f4, f8), integer (i1 to i8, u1 to u8) and bool "
                                + "(b1) arrays"),
                Arguments.of("{'descr': 4, 'fortran_order': False, 'shape': (1,), }", 4,
                        "'descr' should be a dtype string such as '<f4', but it is 4"),
                Arguments.of("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", 4,
                        "'fortran_order' should be True or False, but it is 0"),
                Arguments.of("{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3], }", 24,
                        "'shape' should be a tuple of whole numbers such as (2, 28, 28, 1), but it is [2, 3]"),
                Arguments.of("{'descr': '<f4', 'fortran_order': False, 'shape': (2.0,), }", 8,
                        "'shape' should be a tuple of whole numbers such as (2, 28, 28, 1), but it is (2.0,)"),
                // (3) is 3 in parentheses, not a tuple: NumPy refuses it too.
                Arguments.of("{'descr': '<f4', 'fortran_order': False, 'shape': (3), }", 12,
                        "'shape' should be a tuple of whole numbers such as (2, 28, 28, 1), but it is 3"),
                Arguments.of("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }", 0,
                        "the shape (2, -3) has a negative dimension"),
                Arguments.of("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536), }", 0,
                        "the array's shape (65536, 65536) has more than the 2147483639 elements one tensor can hold"),
                Arguments.of("{'descr': '<f4', 'fortran_order': False}", 0, "the header has no 'shape' entry"),
                Arguments.of("{'descr': '<f4', 'fortran_order': False, 'shape': (), 'extra': 1}", 4,
                        "the header has an unexpected entry 'extra'; a .npy header holds only 'descr', "
                                + "'fortran_order' and 'shape'"),
                Arguments.of("{'descr' '<f4'}", 0, "the header is not a valid Python dictionary: at column 10: "
                        + "expected ':' after the key 'descr', found \"'\""),
                Arguments.of("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3}", 0,
                        "the header is not a valid Python dictionary: at column 56: expected ',' or ')', found '}'"),
                Arguments.of("{'descr': '<f4", 0, "the header is not a valid Python dictionary: at column 11: this "
                        + "string is never closed with '"),
                Arguments.of("{'descr': __import__('os')}", 0, "the header is not a valid Python dictionary: at "
                        + "column 11: expected a literal, found the name '__import__'"),
                Arguments.of("{'a': 1, 'a': 2}", 0, "the header is not a valid Python dictionary: at column 10: the "
                        + "key 'a' appears twice"),
                Arguments.of("[1, 2]", 0, "the header should be a Python dictionary, but it is [1, 2]"),
                Arguments.of("", 0, "the header is empty; it should be a Python dictionary with 'descr', "
                        + "'fortran_order' and 'shape'"),
                Arguments.of("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } junk", 8,
                        "the header is not a valid Python dictionary: at column 59: found 'j' after the end of the "
                                + "literal"),
                Arguments.of("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (1,), }", 4,
                        "structured arrays (records with named fields) are not supported; save each field as its own "
                                + "numeric array"),
                Arguments.of("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", 8,
                        "object arrays (dtype '|O', pickled Python objects) are not supported; save a numeric array"));
    }

    @ParameterizedTest
    @MethodSource("brokenHeaders")
    void explainsBrokenHeaders(String header, int dataBytes, String problem) throws IOException {
        Path file = write("broken.npy", npy(1, header, new byte[dataBytes]));
        FileFormatException e = assertThrows(FileFormatException.class, () -> Npy.read(file));
        assertEquals(problem, e.problem());
    }

    static Stream<Arguments> acceptedHeaders() {
        return Stream.of(
                // Fortran order with at most one dimension above 1 is the same bytes as C order.
                Arguments.of("{'descr': '<f4', 'fortran_order': True, 'shape': (3,), }", new long[] {3}),
                Arguments.of("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 3, 1), }", new long[] {1, 3, 1}),
                // Python 2 era headers: long suffixes, u'' strings, other key order, no trailing comma.
                Arguments.of("{'shape': (1L, 3L), 'fortran_order': False, 'descr': u'<f4'}", new long[] {1, 3}),
                Arguments.of("{\"descr\": \"=f4\", \"fortran_order\": False, \"shape\": (3,)}", new long[] {3}),
                Arguments.of("{'descr': 'f4', 'fortran_order': False, 'shape': ((3,)), }", new long[] {3}));
    }

    @ParameterizedTest
    @MethodSource("acceptedHeaders")
    void acceptsEquivalentHeaders(String header, long[] shape) throws IOException {
        Path file = write("ok.npy", npy(1, header, Fixtures.le(1f, 2f, 3f)));
        Tensor t = Npy.read(file);
        assertArrayEquals(shape, t.shape());
        assertArrayEquals(new float[] {1f, 2f, 3f}, t.data());
    }

    static Stream<Arguments> brokenPreambles() {
        byte[] good = Fixtures.bytes("np_save_5.npy");
        byte[] version = good.clone();
        version[6] = 4;
        byte[] minor = good.clone();
        minor[7] = 1;
        byte[] longHeader = good.clone();
        longHeader[8] = (byte) 0xff;
        longHeader[9] = (byte) 0xff;
        byte[] v2Huge = npy(2, "{}", new byte[0]);
        v2Huge[11] = 0x10;
        return Stream.of(
                Arguments.of(new byte[0], "not a .npy file: it is empty"),
                Arguments.of(Arrays.copyOf(good, 4), "truncated: the file is only 4 bytes long and ends inside the "
                        + ".npy file's preamble"),
                Arguments.of(Arrays.copyOf(good, 9), "truncated: the file is only 9 bytes long and ends inside the "
                        + ".npy file's preamble"),
                Arguments.of("hello".getBytes(StandardCharsets.US_ASCII), "not a .npy file: it does not start with "
                        + "the NumPy magic bytes \\x93NUMPY"),
                Arguments.of(version, "unsupported .npy format version 4.0; cnnc reads versions 1.0, 2.0 and 3.0"),
                Arguments.of(minor, "unsupported .npy format version 1.1; cnnc reads versions 1.0, 2.0 and 3.0"),
                Arguments.of(longHeader, "truncated: the header is said to be 65535 bytes long, but the file ends "
                        + "138 bytes into it"),
                Arguments.of(v2Huge, "the header is said to be 268435508 bytes long, more than the limit of "
                        + "1048576; the file is corrupt or holds a structured array"),
                Arguments.of(npy(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }\u00ff", new byte[4]),
                        "the header of this version 3.0 file is not valid UTF-8 text"));
    }

    @ParameterizedTest
    @MethodSource("brokenPreambles")
    void explainsBrokenPreambles(byte[] content, String problem) throws IOException {
        Path file = write("broken.npy", content);
        FileFormatException e = assertThrows(FileFormatException.class, () -> Npy.read(file));
        assertEquals(problem, e.problem());
    }

    @ParameterizedTest
    @ValueSource(strings = {"f4_le.npy", "f8_be.npy", "int_na_b1.npy", "version2.npy", "version3.npy",
            "labels_i8.npy"})
    void everyTruncationIsAFileFormatException(String name) throws IOException {
        byte[] whole = Fixtures.bytes(name);
        Path file = dir.resolve("cut.npy");
        for (int length = 0; length < whole.length; length++) {
            Files.write(file, Arrays.copyOf(whole, length));
            int at = length;
            assertThrows(FileFormatException.class, () -> Npy.read(file), () -> "cut at " + at);
            assertThrows(FileFormatException.class, () -> Npy.readLabels(file), () -> "cut at " + at);
        }
    }

    @Test
    void missingFileIsAnIoErrorNotAFormatError() {
        IOException e = assertThrows(IOException.class, () -> Npy.read(dir.resolve("absent.npy")));
        assertEquals(java.nio.file.NoSuchFileException.class, e.getClass());
        assertEquals(dir.resolve("absent.npy") + ": no such file", e.getMessage());
        FileFormatException folder = assertThrows(FileFormatException.class, () -> Npy.read(dir));
        assertEquals(dir + ": this is a folder, not a file", folder.getMessage());
        assertThrows(FileFormatException.class, () -> Safetensors.read(dir));
    }

    @Test
    void writerReplacesAnExistingFile() throws IOException {
        Path file = write("w.npy", "old".getBytes(StandardCharsets.US_ASCII));
        Npy.write(file, new Tensor(new long[] {2}, new float[] {1f, 2f}));
        assertArrayEquals(new float[] {1f, 2f}, Npy.read(file).data());
        assertEquals(List.of(file), listDir());
    }

    private List<Path> listDir() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    private Path write(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        return file;
    }

    /** A .npy file of this version with this header text (padded NumPy's way) followed by {@code data}. */
    static byte[] npy(int major, String header, byte[] data) {
        byte[] text = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        if (header.endsWith("\u00ff") && major == 3) {
            text = Arrays.copyOf(text, text.length - 2);
            text = Fixtures.concat(text, new byte[] {(byte) 0xff});
        }
        int lengthBytes = major == 1 ? 2 : 4;
        int padding = 64 - (8 + lengthBytes + text.length + 1) % 64;
        int headerLength = text.length + padding + 1;
        ByteBuffer b = ByteBuffer.allocate(8 + lengthBytes + headerLength + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(NpyHeader.MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) headerLength);
        } else {
            b.putInt(headerLength);
        }
        b.put(text);
        for (int i = 0; i < padding; i++) {
            b.put((byte) ' ');
        }
        return b.put((byte) '\n').put(data).array();
    }
}
