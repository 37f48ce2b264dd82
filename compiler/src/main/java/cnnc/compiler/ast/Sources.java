package cnnc.compiler.ast;

import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.diag.SourceFile;
import cnnc.compiler.diag.Span;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Bytes to a {@link SourceFile}: rejects empty, binary and non-UTF-8 files with a located error. */
public final class Sources {
    private Sources() {}

    /** Decodes {@code bytes} as UTF-8 source named {@code name}; returns null with an error when it is not text. */
    public static SourceFile decode(String name, byte[] bytes, Diagnostics diags) {
        SourceFile nameOnly = new SourceFile(name, "");
        if (bytes.length == 0) {
            diags.error(nameOnly.start(), "file is empty; expected `model NAME { ... }`");
            return null;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                diags.error(at(nameOnly, bytes, i), "file is binary (it holds a NUL byte), not a .cnn model");
                return null;
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            // The decoder stops at the first byte of the malformed sequence.
            int bad = in.position();
            diags.error(at(nameOnly, bytes, bad),
                    String.format("file is not valid UTF-8 (byte 0x%02X at offset %d)", bytes[bad] & 0xFF, bad));
            return null;
        }
        decoder.flush(out);
        return new SourceFile(name, out.flip().toString());
    }

    /**
     * The line and column of byte {@code offset}, counted as {@link SourceFile} and the parser count them: lines end
     * at {@code \n}, {@code \r\n} or a lone {@code \r}; columns count characters (UTF-8 lead bytes), from 1.
     */
    private static Span at(SourceFile file, byte[] bytes, int offset) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 >= bytes.length || bytes[i + 1] != '\n'))) {
                line++;
                col = 1;
            } else if ((bytes[i] & 0xC0) != 0x80 && bytes[i] != '\r') {
                col++;
            }
        }
        return new Span(file, line, col, 1);
    }
}
