package cnnc.cli;

import static cnnc.cli.BackendFixtures.cnnc;
import static cnnc.cli.BackendFixtures.writeText;
import static cnnc.cli.TrainFixtures.QUAD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.BackendFixtures.Result;
import cnnc.cli.TrainFixtures.Data;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnnc train} reads the model's {@code train} block, and each flag overrides its setting. */
class TrainBlockTest {
    @TempDir
    Path dir;

    private Path model(String block) {
        return writeText(dir, "quad.cnn", QUAD.replace("Dense(4, activation=softmax)\n",
                "Dense(4, activation=softmax)\n" + block));
    }

    @Test
    void theBlocksSettingsAreUsed() {
        Path m = model("  train {\n    optimizer = \"sgd(learning_rate=cosine(0.05, decay_steps=10), momentum=0.5)\"\n"
                + "    batch_size = 5\n    epochs = 2\n    loss = categorical_crossentropy\n  }\n");
        Data data = TrainFixtures.quadrants(dir, 20, 7);
        Result r = cnnc("train", m, "--data", data.spec());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("training Quad on 20 examples, loss categorical_crossentropy, optimizer "
                + "sgd(learning_rate=cosine(initial_learning_rate=0.05, decay_steps=10, alpha=0.0), momentum=0.5, "
                + "nesterov=false), batch 5\n"), r::toString);
        assertTrue(r.out().contains("Epoch 1: 4 steps,") && r.out().contains("Epoch 2: 4 steps,"), r::toString);
        assertTrue(!r.out().contains("Epoch 3"), r::toString);
    }

    @Test
    void flagsOverrideTheBlock() {
        Path m = model("  train { optimizer = sgd, batch_size = 5, epochs = 2, loss = categorical_crossentropy }\n");
        Data data = TrainFixtures.quadrants(dir, 20, 7);
        Result r = cnnc("train", m, "--data", data.spec(), "--optimizer", "adam", "--batch-size", 10, "--epochs", 1,
                "--loss", "sparse_categorical_crossentropy");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("training Quad on 20 examples, loss sparse_categorical_crossentropy, optimizer "
                + "adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=false), batch 10\n"),
                r::toString);
        assertTrue(r.out().contains("Epoch 1: 2 steps,") && !r.out().contains("Epoch 2"), r::toString);
    }

    @Test
    void aBadOptimizerSpecInTheBlockIsLocated() {
        Path m = model("  train { optimizer = \"adam(beta_1=2)\" }\n");
        Data data = TrainFixtures.quadrants(dir, 8, 7);
        Result r = cnnc("train", m, "--data", data.spec());
        assertEquals(Main.EXIT_INVALID, r.code(), r::toString);
        assertEquals(m + ":7:23: error: adam: `beta_1` must be in [0, 1), not 2\n"
                + "  train { optimizer = \"adam(beta_1=2)\" }\n"
                + "                      ^~~~~~~~~~~~~~~~\n1 error\n", r.err());
    }
}
