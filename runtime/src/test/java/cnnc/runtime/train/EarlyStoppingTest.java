package cnnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Keras 2.12's EarlyStopping, traced by hand: wait += 1 each epoch; an improvement (current -/+ min_delta strictly
 * better than best) sets best and wait = 0 and never stops; otherwise stop once wait >= patience, but not at epoch 0.
 */
class EarlyStoppingTest {
    /** The epoch at which training stops, or -1 if it runs through all values. */
    private static int stopsAt(EarlyStopping es, double... values) {
        for (int epoch = 0; epoch < values.length; epoch++) {
            if (es.update(epoch, values[epoch])) {
                assertEquals(epoch, es.stoppedEpoch());
                return epoch;
            }
        }
        assertEquals(-1, es.stoppedEpoch());
        return -1;
    }

    @Test
    void stopsAfterPatienceEpochsWithoutImprovement() {
        // e0 best 1.0, e1 best 0.9, e2 wait 1, e3 wait 2 >= 2: stop
        EarlyStopping es = new EarlyStopping(2, 0, MonitorMode.MIN);
        assertEquals(3, stopsAt(es, 1.0, 0.9, 0.95, 0.92, 0.91));
        assertEquals(0.9, es.best());
        assertEquals(1, es.bestEpoch());
        assertEquals(2, es.waited());
    }

    @Test
    void anImprovementResetsTheWait() {
        // e2 wait 1, e3 improves (0.85), e4 wait 1, e5 wait 2: stop at 5
        assertEquals(5, stopsAt(new EarlyStopping(2, 0, MonitorMode.MIN), 1.0, 0.9, 0.95, 0.85, 0.9, 0.9, 0.1));
    }

    @Test
    void patienceZeroStopsAtTheFirstEpochThatDoesNotImprove() {
        assertEquals(2, stopsAt(new EarlyStopping(0, 0, MonitorMode.MIN), 1.0, 0.9, 0.9));
        assertEquals(-1, stopsAt(new EarlyStopping(0, 0, MonitorMode.MIN), 1.0, 0.9, 0.8, 0.7),
                "improving epochs never stop training");
    }

    @Test
    void neverAtEpochZero() {
        // NaN never improves: wait 1 >= 0 at epoch 0, but Keras only checks after the first epoch
        assertEquals(1, stopsAt(new EarlyStopping(0, 0, MonitorMode.MIN), Double.NaN, Double.NaN));
    }

    @Test
    void minDeltaIsTheLeastChangeThatCounts() {
        // 0.95 + 0.1 < 1.0 is false: no improvement, wait 1 >= 1
        assertEquals(1, stopsAt(new EarlyStopping(1, 0.1, MonitorMode.MIN), 1.0, 0.95));
        // 0.89 + 0.1 < 1.0: improvement
        assertEquals(-1, stopsAt(new EarlyStopping(1, 0.1, MonitorMode.MIN), 1.0, 0.89));
        // Keras takes abs(min_delta)
        assertEquals(1, stopsAt(new EarlyStopping(1, -0.1, MonitorMode.MIN), 1.0, 0.95));
        assertEquals(0.1, new EarlyStopping(1, -0.1, MonitorMode.MIN).minDelta());
    }

    @Test
    void maxModeWantsIncreases() {
        assertEquals(3, stopsAt(new EarlyStopping(2, 0, MonitorMode.MAX), 0.5, 0.6, 0.6, 0.55));
        // 0.65 - 0.1 > 0.6 is false
        assertEquals(2, stopsAt(new EarlyStopping(1, 0.1, MonitorMode.MAX), 0.5, 0.61, 0.65));
    }

    @Test
    void resumesFromSavedState() {
        // Saved after epoch 4: best 0.5 at epoch 3, one epoch without improvement since
        EarlyStopping resumed = new EarlyStopping(2, 0, MonitorMode.MIN);
        resumed.restore(0.5, 3, 1);
        assertTrue(resumed.update(5, 0.6), "wait 1 + 1 reaches patience 2 at the first resumed epoch");
        assertEquals(5, resumed.stoppedEpoch());

        EarlyStopping improving = new EarlyStopping(2, 0, MonitorMode.MIN);
        improving.restore(0.5, 3, 1);
        assertFalse(improving.update(5, 0.4));
        assertEquals(0, improving.waited());
        assertEquals(5, improving.bestEpoch());
    }

    @Test
    void modes() {
        assertEquals(MonitorMode.MIN, MonitorMode.parse("min", "val_accuracy"));
        assertEquals(MonitorMode.MAX, MonitorMode.parse("MAX", "val_loss"));
        assertEquals(MonitorMode.MAX, MonitorMode.parse("auto", "val_accuracy"));
        assertEquals(MonitorMode.MAX, MonitorMode.parse("auto", "acc"));
        assertEquals(MonitorMode.MAX, MonitorMode.parse("auto", "val_auc"));
        assertEquals(MonitorMode.MIN, MonitorMode.parse("auto", "val_loss"));
        assertEquals("unknown mode `mni`; did you mean `min`? (it is min, max or auto)",
                assertThrows(IllegalArgumentException.class, () -> MonitorMode.parse("mni", "loss")).getMessage());
        assertEquals("early stopping: `patience` must be at least 0 epochs, not -1",
                assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(-1, 0, MonitorMode.MIN))
                        .getMessage());
    }
}
