package cnnc.compiler.diag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Collects the diagnostics of one compilation. Passes keep going after an error where they can, so that one run
 * reports every problem that can be found, not just the first.
 */
public final class Diagnostics {
    private final List<Diagnostic> items = new ArrayList<>();

    public void error(Span span, String message) {
        items.add(Diagnostic.error(span, message));
    }

    public void warning(Span span, String message) {
        items.add(Diagnostic.warning(span, message));
    }

    public void add(Diagnostic d) {
        items.add(d);
    }

    public void addAll(Diagnostics other) {
        items.addAll(other.items);
    }

    public boolean hasErrors() {
        for (Diagnostic d : items) {
            if (d.severity() == Severity.ERROR) {
                return true;
            }
        }
        return false;
    }

    public int errorCount() {
        int n = 0;
        for (Diagnostic d : items) {
            if (d.severity() == Severity.ERROR) {
                n++;
            }
        }
        return n;
    }

    /** All diagnostics in source order (stable for ones at the same place). */
    public List<Diagnostic> sorted() {
        List<Diagnostic> copy = new ArrayList<>(items);
        copy.sort(Comparator.comparingInt((Diagnostic d) -> d.span().line()).thenComparingInt(d -> d.span().column()));
        return Collections.unmodifiableList(copy);
    }

    public List<Diagnostic> all() {
        return Collections.unmodifiableList(items);
    }

    /** Every diagnostic rendered with its source line, one after another. */
    public String render() {
        StringBuilder out = new StringBuilder();
        for (Diagnostic d : sorted()) {
            out.append(d.render()).append('\n');
        }
        return out.toString();
    }
}
