package cnnc.compiler.diag;

import java.util.Collection;
import java.util.Locale;

/**
 * "Did you mean" suggestions by edit distance, case-insensitive. The distance is Damerau's optimal string alignment
 * (Levenshtein plus swapping two neighbouring letters as one edit), so that {@code rleu} suggests {@code relu}.
 * Candidates whose length alone rules them out are skipped, so a search over many names stays cheap.
 */
public final class Suggestions {
    private Suggestions() {}

    /** The closest candidate within a distance that still looks like a typo, or null. */
    public static String closest(String word, Collection<String> candidates) {
        String lower = word.toLowerCase(Locale.ROOT);
        // One edit in three letters, at most three; a word of one or two letters only matches up to case.
        int limit = word.length() < 3 ? 0 : Math.max(1, Math.min(3, word.length() / 3));
        String best = null;
        int bestDistance = limit + 1;
        for (String c : candidates) {
            if (Math.abs(c.length() - word.length()) >= bestDistance) {
                continue;
            }
            int d = distance(lower, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }

    /** {@code "; did you mean `X`?"} or the empty string. */
    public static String didYouMean(String word, Collection<String> candidates) {
        String c = closest(word, candidates);
        return c == null ? "" : "; did you mean `" + c + "`?";
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
    static int distance(String a, String b) {
        int[] before = new int[b.length() + 1];
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int d = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d = Math.min(d, before[j - 2] + 1);
                }
                cur[j] = d;
            }
            int[] t = before;
            before = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
