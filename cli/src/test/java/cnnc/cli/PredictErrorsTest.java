package cnnc.cli;

import static cnnc.cli.BackendFixtures.assertUserError;
import static cnnc.cli.BackendFixtures.graph;
import static cnnc.cli.BackendFixtures.npy;
import static cnnc.cli.BackendFixtures.randomTensor;
import static cnnc.cli.BackendFixtures.randomWeights;
import static cnnc.cli.BackendFixtures.safetensors;
import static cnnc.cli.BackendFixtures.writeText;
import static cnnc.cli.PredictCommandTest.QUAD;
import static cnnc.cli.PredictCommandTest.predict;
import static cnnc.cli.PredictCommandTest.quadrantPng;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.BackendFixtures.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way {@code cnnc predict} refuses its input, as a table of (arguments, exit status, message): one line
 * {@code cnnc: error: ...} naming the file at fault, exit 1 for bad input and 2 for bad usage, nothing on stdout.
 */
class PredictErrorsTest {
    @TempDir
    Path dir;

    private Path model;
    private Path weights;
    private Path png;

    @BeforeEach
    void setUp() {
        model = writeText(dir, "quad.cnn", QUAD);
        weights = safetensors(dir.resolve("w.safetensors"), randomWeights(graph(QUAD), 1));
        png = quadrantPng(dir.resolve("q.png"), 8, 0);
    }

    private void check(int status, String message, Object... args) {
        Result r = predict(args);
        // ImageFiles names the decoder's exception class when it has no message (a truncated PNG: EOFException).
        assertUserError(r.err().contains("EOFException") ? new Result(r.code(), r.out(), r.err()
                .replace("EOFException", "EOF")) : r, status);
        assertEquals("", r.out(), r::toString);
        String first = r.errLines().get(0);
        assertTrue(first.startsWith("cnnc: error: " + message), () -> "expected `cnnc: error: " + message + "...`\n"
                + r + "\nfor " + Arrays.toString(args));
    }

    @Test
    void usageErrors() {
        check(2, "--top must be at least 1, got 0", model, "--weights", weights, png, "--top", 0);
        check(2, "--top must be at least 1, got -3", model, "--weights", weights, png, "--top", -3);
        check(2, "--classes gives 3 names, but the model has 4 classes", model, "--weights", weights, png,
                "--classes", "a,b,c");
        check(2, "--classes has an empty name in 'a,,c,d'", model, "--weights", weights, png, "--classes", "a,,c,d");
        check(2, "give --classes or --data, not both", model, "--weights", weights, png, "--classes", "a,b,c,d",
                "--data", "fashion-mnist");
        check(2, "--scale takes a positive number or fraction, e.g. 1/255 or 0.5; got 'x'", model, "--weights",
                weights, png, "--scale", "x");
        check(2, "--scale takes a positive number or fraction", model, "--weights", weights, png, "--scale", "1/0");
        check(2, "--scale takes a positive number or fraction", model, "--weights", weights, png, "--scale", "-1");
        check(2, "--threads must be at least 1", model, "--weights", weights, png, "--threads", 0);
        // picocli's own: no image, no weights.
        check(2, "Missing required parameter", model, "--weights", weights);
        check(2, "Missing required option", model, png);
    }

    @Test
    void missingUnreadableAndCorruptImagesAreNamed() throws IOException {
        Path missing = dir.resolve("missing.png");
        check(1, "no such file: " + missing, model, "--weights", weights, png, missing);
        byte[] bytes = Files.readAllBytes(png);
        Path truncated = Files.write(dir.resolve("truncated.png"), Arrays.copyOf(bytes, bytes.length / 2));
        check(1, truncated + ": ", model, "--weights", weights, png, truncated);
        Path text = Files.writeString(dir.resolve("notes.txt"), "not an image");
        check(1, text + ": is not an image javax.imageio can read", model, "--weights", weights, text);
        Path jpeg = Files.writeString(dir.resolve("photo.jpg"), "\u00ff\u00d8\u00ff garbage");
        check(1, jpeg + ": ", model, "--weights", weights, jpeg);
        Path badNpy = Files.writeString(dir.resolve("bad.npy"), "not numpy");
        check(1, badNpy + ": ", model, "--weights", weights, badNpy);
        check(1, dir + ": is a folder", model, "--weights", weights, dir);
    }

    @Test
    void arraysOfAnotherShapeOrChannelCount() {
        Path rgb = npy(dir.resolve("rgb.npy"), randomTensor(1, 2, 8, 8, 3));
        check(1, rgb + ": has shape [2, 8, 8, 3]; the model's input is [8, 8, 1]: give one image [8, 8, 1] or a"
                + " batch [N, 8, 8, 1] (it has 3 channels, the model takes 1; arrays are not converted)", model,
                "--weights", weights, rgb);
        Path small = npy(dir.resolve("small.npy"), randomTensor(1, 6, 6, 1));
        check(1, small + ": has shape [6, 6, 1]; the model's input is [8, 8, 1]", model, "--weights", weights, small);
        Path empty = npy(dir.resolve("empty.npy"), randomTensor(1, 0, 8, 8, 1));
        check(1, empty + ": holds no images", model, "--weights", weights, empty);
    }

    @Test
    void modelsImagesCannotFeed() {
        Path twoChannels = writeText(dir, "two.cnn", """
                model Two {
                  input [8, 8, 2]
                  Flatten()
                  Dense(3, activation=softmax)
                }
                """);
        Path w2 = safetensors(dir.resolve("w2.safetensors"), randomWeights(graph(read(twoChannels)), 2));
        check(1, png + ": cannot be converted to the model's 2 channels; images convert to 1 (grayscale), 3 (RGB)"
                + " or 4 (RGBA)", twoChannels, "--weights", w2, png);
        // The same model takes arrays of its shape.
        assertEquals(0, predict(twoChannels, "--weights", w2, npy(dir.resolve("x2.npy"), randomTensor(3, 8, 8, 2)))
                .code());

        Path flat = writeText(dir, "flat.cnn", """
                model Flat {
                  input [16]
                  Dense(3, activation=softmax)
                }
                """);
        Path wf = safetensors(dir.resolve("wf.safetensors"), randomWeights(graph(read(flat)), 3));
        check(1, png + ": is an image, but the model's input is [16], not [height, width, channels]", flat,
                "--weights", wf, png);

        Path conv = writeText(dir, "conv.cnn", """
                model Conv {
                  input [8, 8, 1]
                  Conv2D(2, 3, padding=same)
                }
                """);
        Path wc = safetensors(dir.resolve("wc.safetensors"), randomWeights(graph(read(conv)), 4));
        check(1, "predict needs a classifier, whose output is one score per class; the output `conv2d` of Conv has"
                + " shape [8, 8, 2] per image", conv, "--weights", wc, png);

        Path twoInputs = writeText(dir, "inputs.cnn", """
                model Inputs {
                  input a: [4]
                  input b: [4]
                  s = Add()(a, b)
                  d = Dense(2, activation=softmax)(s)
                  output d
                }
                """);
        Path wi = safetensors(dir.resolve("wi.safetensors"), randomWeights(graph(read(twoInputs)), 5));
        check(1, "predict needs a model with one input; Inputs has 2", twoInputs, "--weights", wi, png);
    }

    @Test
    void missingModelWeightsAndData() {
        check(2, "no such file: " + dir.resolve("none.cnn"), dir.resolve("none.cnn"), "--weights", weights, png);
        check(1, "no such file: " + dir.resolve("none.safetensors"), model, "--weights",
                dir.resolve("none.safetensors"), png);
        check(1, dir.resolve("nodata") + ": no such file or folder", model, "--weights", weights, png, "--data",
                dir.resolve("nodata"));
        Path labels = dir.resolve("labels.txt");
        check(2, "--classes '" + labels + "' is neither 4 names separated by commas nor a file", model,
                "--weights", weights, png, "--classes", labels);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
