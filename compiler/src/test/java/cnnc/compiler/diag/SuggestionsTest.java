package cnnc.compiler.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    private static final List<String> LAYERS = List.of("Conv2D", "Dense", "MaxPooling2D", "MaxPool2D", "Flatten");

    @Test
    void caseOnlyDifferencesMatch() {
        assertEquals("Conv2D", Suggestions.closest("conv2d", LAYERS));
    }

    @Test
    void aSwapOfNeighbouringLettersIsOneEdit() {
        assertEquals(1, Suggestions.distance("rleu", "relu"));
        assertEquals("relu", Suggestions.closest("rleu", List.of("linear", "relu", "elu")));
    }

    @Test
    void distancesAreEditCounts() {
        assertEquals(0, Suggestions.distance("dense", "dense"));
        assertEquals(1, Suggestions.distance("kernal_size", "kernel_size"));
        assertEquals(1, Suggestions.distance("ab", "ba"));
        // Optimal string alignment edits no substring twice: CA → ABC takes 3 (true Damerau distance: 2).
        assertEquals(3, Suggestions.distance("ca", "abc"));
        assertEquals(3, Suggestions.distance("", "abc"));
        assertEquals(3, Suggestions.distance("kitten", "sitting"));
    }

    @Test
    void farWordsAndShortWordsGetNoSuggestion() {
        assertNull(Suggestions.closest("Transformer", LAYERS));
        assertNull(Suggestions.closest("y", List.of("x")));
        assertEquals("X", Suggestions.closest("x", List.of("X")));
    }

    @Test
    void theFirstOfEquallyCloseCandidatesWins() {
        assertEquals("MaxPool2D", Suggestions.closest("MaxPool2d", LAYERS));
        assertEquals("; did you mean `Dense`?", Suggestions.didYouMean("Dens", LAYERS));
        assertEquals("", Suggestions.didYouMean("Zzzzz", LAYERS));
    }
}
