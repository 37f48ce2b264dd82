package cnnc.compiler.ast;

import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.diag.SourceFile;
import cnnc.compiler.diag.Span;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
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
        int line = 1;
        int col = 1;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                diags.error(new Span(nameOnly, line, col, 1), "file is binary (it holds a NUL byte), not a .cnn model");
                return null;
            }
            if (bytes[i] == '\n') {
                line++;
                col = 1;
            } else if ((bytes[i] & 0xC0) != 0x80) {
                col++;
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            String text = decoder.decode(ByteBuffer.wrap(bytes)).toString();
            return new SourceFile(name, text);
        } catch (CharacterCodingException e) {
            int bad = firstInvalidUtf8(bytes);
            int l = 1;
            int c = 1;
            for (int i = 0; i < bad; i++) {
                if (bytes[i] == '\n') {
                    l++;
                    c = 1;
                } else if ((bytes[i] & 0xC0) != 0x80) {
                    c++;
                }
            }
            diags.error(new Span(nameOnly, l, c, 1),
                    String.format("file is not valid UTF-8 (byte 0x%02X at offset %d)", bytes[bad] & 0xFF, bad));
            return null;
        }
    }

    private static int firstInvalidUtf8(byte[] b) {
        int i = 0;
        while (i < b.length) {
            int x = b[i] & 0xFF;
            int n;
            if (x < 0x80) {
                n = 0;
            } else if (x >= 0xC2 && x <= 0xDF) {
                n = 1;
            } else if (x >= 0xE0 && x <= 0xEF) {
                n = 2;
            } else if (x >= 0xF0 && x <= 0xF4) {
                n = 3;
            } else {
                return i;
            }
            for (int k = 1; k <= n; k++) {
                if (i + k >= b.length || (b[i + k] & 0xC0) != 0x80) {
                    return i;
                }
            }
            i += n + 1;
        }
        return Math.max(0, b.length - 1);
    }
}
