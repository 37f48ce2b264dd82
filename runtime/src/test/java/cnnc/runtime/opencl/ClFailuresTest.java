package cnnc.runtime.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.codegen.opencl.ClModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Kernels that do not build: the message carries the device's build log and where the source was saved. */
class ClFailuresTest {
    @Test
    void aBuildFailureShowsTheLogAndSavesTheSource() throws Exception {
        Assumptions.assumeTrue(OpenClAvailable.missing() == null, () -> "no OpenCL: " + OpenClAvailable.missing());
        String source = "__kernel void g0(__global float* out, const int n) { out[0] = undeclared_name; }\n";
        ClModel bad = new ClModel("Broken", source, List.of(), List.of(), List.of(), List.of(), List.of(),
                new long[0], List.of(), List.of(new ClModel.Launch("g0", "g", List.of(), 1, 0)));
        OpenClException e = assertThrows(OpenClException.class,
                () -> new ClExecutable(bad, Map.of(), OpenCl.select(null), false));
        String m = e.getMessage();
        assertTrue(m.startsWith("the generated OpenCL kernels did not build on "), m);
        assertTrue(m.contains("undeclared_name"), "the build log names the problem: " + m);
        java.util.regex.Matcher saved = java.util.regex.Pattern.compile("the source is saved in (\\S+);").matcher(m);
        assertTrue(saved.find(), m);
        Path file = Path.of(saved.group(1));
        assertEquals(source, Files.readString(file));
        Files.delete(file);
    }
}
