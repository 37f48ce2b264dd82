package cnnc.compiler.lower;

import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.diag.Span;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Lowering's error sink: reports each error once per place and message (a block used twice fails once), adds the
 * block instance an error arose in, and stops after {@link #LIMIT} errors, as compilers do, so that a file of
 * thousands of mistakes neither floods the terminal nor costs time.
 */
final class Errors {
    static final int LIMIT = 100;

    final Diagnostics diags;
    /** The block instances being expanded, innermost first, as "in instance `b` of block `B`, used at 3:5". */
    final Deque<String> context = new ArrayDeque<>();
    private final Set<String> seen = new HashSet<>();
    private int count;

    Errors(Diagnostics diags) {
        this.diags = diags;
    }

    void error(Span span, String message) {
        if (count > LIMIT || !seen.add(span + "\u0000" + message)) {
            return;
        }
        count++;
        if (count > LIMIT) {
            diags.error(span, "too many errors (more than " + LIMIT + "); fix these first");
            return;
        }
        diags.error(span, context.isEmpty() ? message : message + " (" + context.peek() + ")");
    }

    /** Whether the limit is reached, so that lowering can stop early. */
    boolean tooMany() {
        return count > LIMIT;
    }
}
