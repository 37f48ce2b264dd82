package cnnc.compiler.ast;

import cnnc.compiler.diag.SourceFile;
import cnnc.compiler.diag.Span;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * An AST with its source positions removed, for comparing trees that came from different texts: every record
 * becomes a list of its type's simple name and its components, leaving out spans and the source file. Written with
 * reflection so that it does not depend on the printer or builder it is used to test.
 */
final class SpanFree {
    private SpanFree() {}

    static Object of(Object node) {
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object item : list) {
                out.add(of(item));
            }
            return out;
        }
        if (node == null || !node.getClass().isRecord()) {
            return node;
        }
        List<Object> out = new ArrayList<>();
        out.add(node.getClass().getSimpleName());
        for (RecordComponent c : node.getClass().getRecordComponents()) {
            if (c.getType() == Span.class || c.getType() == SourceFile.class) {
                continue;
            }
            try {
                out.add(c.getName() + "=" + of(c.getAccessor().invoke(node)));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}
