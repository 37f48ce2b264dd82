package cnnc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The .npy header parser and {@code repr}. */
class PyLiteralTest {

    @Test
    void parsesHeaderLiterals() throws PyLiteral.SyntaxException {
        Object v = PyLiteral.parse("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 28, 28, 1), }   \n");
        assertEquals(Map.of("descr", "<f4", "fortran_order", false,
                "shape", new PyLiteral.Tuple(List.of(2L, 28L, 28L, 1L))), v);
        assertEquals(new PyLiteral.Tuple(List.of()), PyLiteral.parse("()"));
        assertEquals(new PyLiteral.Tuple(List.of(3L)), PyLiteral.parse("(3,)"));
        assertEquals(3L, PyLiteral.parse("(3)"));
        assertEquals(new PyLiteral.Tuple(List.of(3L, 4L)), PyLiteral.parse("(3L, 4L)"));
        assertEquals(-5L, PyLiteral.parse("- 5"));
        assertEquals(List.of("a'b", "\u00e9", PyLiteral.NONE, true), PyLiteral.parse("['a\\'b', u'\\xe9', None, True]"));
    }

    @Test
    void reprWritesPython() {
        assertEquals("(2, 3)", PyLiteral.tupleOf(new long[] {2, 3}));
        assertEquals("(5,)", PyLiteral.tupleOf(new long[] {5}));
        assertEquals("()", PyLiteral.tupleOf(new long[] {}));
        Map<String, Object> dict = new java.util.LinkedHashMap<>();
        dict.put("a", List.of(1L, "it's"));
        dict.put("b", PyLiteral.NONE);
        assertEquals("{'a': [1, 'it\\'s'], 'b': None}", PyLiteral.repr(dict));
    }

    @Test
    void errors() {
        PyLiteral.SyntaxException e = assertThrows(PyLiteral.SyntaxException.class,
                () -> PyLiteral.parse("{'a': (1, 2]}"));
        assertEquals("expected ',' or ')', found ']'", e.problem);
        assertEquals(12, e.column);
        e = assertThrows(PyLiteral.SyntaxException.class, () -> PyLiteral.parse("{1: 2}"));
        assertEquals("dictionary keys must be strings, found 1", e.problem);
        e = assertThrows(PyLiteral.SyntaxException.class, () -> PyLiteral.parse("(" .repeat(1000)));
        assertEquals("brackets are nested more than 32 deep", e.problem);
        e = assertThrows(PyLiteral.SyntaxException.class, () -> PyLiteral.parse("[1.2.3]"));
        assertEquals("'1.2.3' is not a valid number", e.problem);
    }
}
