package cnnc.runtime.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The part of a {@code .npy} file before the data (NEP 1, "A Simple File Format for NumPy Arrays"):
 *
 * <pre>
 *   6 bytes  magic "\x93NUMPY"
 *   2 bytes  format version: major, minor (1.0, 2.0 or 3.0)
 *   2 bytes  (version 1) or 4 bytes (2 and 3): header length H, unsigned little-endian
 *   H bytes  a Python dict literal, Latin-1 (UTF-8 in 3.0), space-padded and ending in '\n' so that the data
 *            starts at a multiple of 64 bytes:
 *            {'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 28, 28, 1), }
 * </pre>
 *
 * @param type       the element type
 * @param order      its byte order ({@code =}, native, is taken as little-endian: every platform NumPy runs on today)
 * @param shape      the dimensions, C order
 * @param count      the number of elements
 * @param dataOffset where the data starts in the file
 */
record NpyHeader(ElementType type, ByteOrder order, long[] shape, int count, long dataOffset) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** NumPy aligns the data to this many bytes. */
    static final int ALIGN = 64;
    /** NumPy itself refuses headers over 10,000 characters unless told otherwise; this is the hard stop. */
    private static final long MAX_HEADER_BYTES = 1 << 20;
    /** NumPy (1.24 and later) leaves this much room to grow the first axis in place. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final String FORTRAN = "Fortran-order arrays are not supported; save with np.ascontiguousarray";

    /** Reads and checks the header, including that the file holds all the data it announces. */
    static NpyHeader read(FileChannel channel, Path file) throws IOException {
        long size = channel.size();
        ByteBuffer start = ByteBuffer.allocate((int) Math.min(size, 12)).order(ByteOrder.LITTLE_ENDIAN);
        DataReader.readFully(channel, file, start, 0);
        byte[] first = start.array();
        for (int i = 0; i < Math.min(first.length, MAGIC.length); i++) {
            if (first[i] != MAGIC[i]) {
                throw new FileFormatException(file, notNpy(first));
            }
        }
        if (size < 8) {
            throw new FileFormatException(file, size == 0 ? "not a .npy file: it is empty"
                    : "truncated: the file is only " + size + " bytes long and ends inside the .npy file's preamble");
        }
        int major = first[6] & 0xff;
        int minor = first[7] & 0xff;
        if (major < 1 || major > 3 || minor != 0) {
            throw new FileFormatException(file, "unsupported .npy format version " + major + "." + minor
                    + "; cnnc reads versions 1.0, 2.0 and 3.0");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        if (size < 8 + lengthBytes) {
            throw new FileFormatException(file, "truncated: the file is only " + size + " bytes long and ends inside"
                    + " the .npy file's preamble");
        }
        long headerLength = major == 1 ? start.getShort(8) & 0xffffL : start.getInt(8) & 0xffffffffL;
        long dataOffset = 8 + lengthBytes + headerLength;
        if (headerLength > MAX_HEADER_BYTES) {
            throw new FileFormatException(file, "the header is said to be " + headerLength + " bytes long, more than "
                    + "the limit of " + MAX_HEADER_BYTES + "; the file is corrupt or holds a structured array");
        }
        if (dataOffset > size) {
            throw new FileFormatException(file, "truncated: the header is said to be " + headerLength + " bytes "
                    + "long, but the file ends " + (size - 8 - lengthBytes) + " bytes into it");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        DataReader.readFully(channel, file, headerBytes, 8 + lengthBytes);
        String text = decode(file, headerBytes.array(), major == 3);

        if (text.isBlank()) {
            throw new FileFormatException(file, "the header is empty; it should be a Python dictionary with 'descr', "
                    + "'fortran_order' and 'shape'");
        }
        Object parsed;
        try {
            parsed = PyLiteral.parse(text);
        } catch (PyLiteral.SyntaxException e) {
            throw new FileFormatException(file, "the header is not a valid Python dictionary: at column " + e.column
                    + ": " + e.problem);
        }
        if (!(parsed instanceof Map<?, ?> dict)) {
            throw new FileFormatException(file, "the header should be a Python dictionary, but it is "
                    + PyLiteral.repr(parsed));
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw new FileFormatException(file, "the header has no '" + key + "' entry");
            }
        }
        for (Object key : dict.keySet()) {
            if (!List.of("descr", "fortran_order", "shape").contains(key)) {
                throw new FileFormatException(file, "the header has an unexpected entry " + PyLiteral.repr(key)
                        + "; a .npy header holds only 'descr', 'fortran_order' and 'shape'");
            }
        }

        Object descr = dict.get("descr");
        ElementType type = elementType(file, descr);
        ByteOrder order = ((String) descr).charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;

        long[] shape = shape(file, dict.get("shape"));
        long count = DataReader.elementCount(shape);
        if (count < 0) {
            throw new FileFormatException(file, "the array's shape " + PyLiteral.tupleOf(shape) + " has more than the "
                    + DataReader.MAX_ELEMENTS + " elements one tensor can hold");
        }

        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new FileFormatException(file, "'fortran_order' should be True or False, but it is "
                    + PyLiteral.repr(dict.get("fortran_order")));
        }
        // With at most one dimension above 1 the two orders lay out the same bytes.
        if (fortran && Arrays.stream(shape).filter(d -> d > 1).count() > 1) {
            throw new FileFormatException(file, FORTRAN);
        }

        long needed = count * type.size;
        long available = size - dataOffset;
        if (available < needed) {
            throw new FileFormatException(file, "truncated: the header says shape " + PyLiteral.tupleOf(shape) + " of "
                    + type.displayName + ", which needs " + needed + " bytes of data, but only " + available
                    + " bytes follow the header");
        }
        return new NpyHeader(type, order, shape, (int) count, dataOffset);
    }

    private static String notNpy(byte[] first) {
        if (first.length >= 2 && first[0] == 'P' && first[1] == 'K') {
            return "not a .npy file: it looks like a zip archive, such as an .npz file from np.savez; save each array "
                    + "with np.save, or unzip the .npz (its members are .npy files)";
        }
        return "not a .npy file: it does not start with the NumPy magic bytes \\x93NUMPY";
    }

    private static String decode(Path file, byte[] bytes, boolean utf8) throws FileFormatException {
        if (!utf8) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new FileFormatException(file, "the header of this version 3.0 file is not valid UTF-8 text");
        }
    }

    private static ElementType elementType(Path file, Object descr) throws FileFormatException {
        if (descr instanceof List<?>) {
            throw new FileFormatException(file, "structured arrays (records with named fields) are not supported; "
                    + "save each field as its own numeric array");
        }
        if (!(descr instanceof String text) || text.isEmpty()) {
            throw new FileFormatException(file, "'descr' should be a dtype string such as '<f4', but it is "
                    + PyLiteral.repr(descr));
        }
        char order = text.charAt(0);
        boolean hasOrder = "<>|=".indexOf(order) >= 0;
        String code = hasOrder ? text.substring(1) : text;
        ElementType type = switch (code) {
            case "f2" -> ElementType.F16;
            case "f4" -> ElementType.F32;
            case "f8" -> ElementType.F64;
            case "i1" -> ElementType.I8;
            case "i2" -> ElementType.I16;
            case "i4" -> ElementType.I32;
            case "i8" -> ElementType.I64;
            case "u1" -> ElementType.U8;
            case "u2" -> ElementType.U16;
            case "u4" -> ElementType.U32;
            case "u8" -> ElementType.U64;
            case "b1" -> ElementType.BOOL;
            default -> throw new FileFormatException(file, unsupported(text, code));
        };
        if (order == '|' && type.size > 1) {
            throw new FileFormatException(file, "dtype " + PyLiteral.repr(text) + " is invalid: a " + type.size
                    + "-byte type needs a byte order, '<' (little-endian) or '>' (big-endian), not '|'");
        }
        return type;
    }

    private static String unsupported(String descr, String code) {
        String kind = code.isEmpty() ? "" : switch (code.charAt(0)) {
            case 'O' -> "object";
            case 'c' -> "complex numbers";
            case 'U' -> "Unicode strings";
            case 'S', 'a' -> "byte strings";
            case 'V' -> "raw bytes or records";
            case 'M' -> "dates and times";
            case 'm' -> "time differences";
            case 'f' -> "extended-precision floats";
            default -> "";
        };
        if (kind.equals("object")) {
            return "object arrays (dtype " + PyLiteral.repr(descr) + ", pickled Python objects) are not supported; "
                    + "save a numeric array";
        }
        return (kind.isEmpty() ? "unknown dtype " + PyLiteral.repr(descr) : "dtype " + PyLiteral.repr(descr) + " ("
                + kind + ") is not supported") + "; cnnc reads float (f2, f4, f8), integer (i1 to i8, u1 to u8) "
                + "and bool (b1) arrays";
    }

    private static long[] shape(Path file, Object value) throws FileFormatException {
        List<Long> dims = new ArrayList<>();
        if (value instanceof PyLiteral.Tuple tuple) {
            for (Object item : tuple.items()) {
                if (!(item instanceof Long d)) {
                    dims = null;
                    break;
                }
                dims.add(d);
            }
        } else {
            dims = null;
        }
        if (dims == null) {
            throw new FileFormatException(file, "'shape' should be a tuple of whole numbers such as (2, 28, 28, 1), "
                    + "but it is " + PyLiteral.repr(value));
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        for (long d : shape) {
            if (d < 0) {
                throw new FileFormatException(file, "the shape " + PyLiteral.tupleOf(shape)
                        + " has a negative dimension");
            }
        }
        return shape;
    }

    /**
     * The bytes NumPy's {@code np.save} writes before the data of a C-order {@code <f4} array of this shape: format
     * 1.0 (2.0 only if the header outgrows 65,535 bytes), padded with spaces and a final newline to a multiple of 64.
     */
    static byte[] float32Prefix(long[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': ")
                .append(PyLiteral.tupleOf(shape)).append(", }");
        if (shape.length > 0) {
            dict.append(" ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length())));
        }
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        int major = 1;
        int lengthBytes = 2;
        int padding = ALIGN - (MAGIC.length + 2 + lengthBytes + text.length + 1) % ALIGN;
        if (text.length + 1 + padding > 0xffff) {
            major = 2;
            lengthBytes = 4;
            padding = ALIGN - (MAGIC.length + 2 + lengthBytes + text.length + 1) % ALIGN;
        }
        int headerLength = text.length + padding + 1;
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 2 + lengthBytes + headerLength)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            out.putShort((short) headerLength);
        } else {
            out.putInt(headerLength);
        }
        out.put(text);
        for (int i = 0; i < padding; i++) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        return out.array();
    }
}
