package cnnc.compiler.ast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.diag.SourceFile;
import org.junit.jupiter.api.Test;

/** The canonical text of examples, written out by hand. */
class AstPrinterTest {

    static ModelFile parse(String text) {
        Diagnostics diags = new Diagnostics();
        ModelFile file = Parser.parse(new SourceFile("t.cnn", text), diags);
        assertNotNull(file, diags.render());
        return file;
    }

    @Test
    void printsEveryConstructInCanonicalLayout() {
        String text = """
                # a comment that is dropped
                block  Res ( filters , k = 3, ) {
                  input x ; Conv2D(filters,k,padding='same')(x)
                  y=Add( )( x , conv2d )
                  output y
                }
                model M{ input img:[32,32,3,]
                  r = repeat 2 { Res(16, k=5) }
                  Dense(10, name="logits", use_bias=False) ()
                  output logits, r }
                """;
        String expected = """
                block Res(filters, k=3) {
                  input x
                  Conv2D(filters, k, padding="same")(x)
                  y = Add()(x, conv2d)
                  output y
                }

                model M {
                  input img: [32, 32, 3]
                  r = repeat 2 {
                    Res(16, k=5)
                  }
                  Dense(10, name="logits", use_bias=false)()
                  output logits, r
                }
                """;
        assertEquals(expected, AstPrinter.print(parse(text)));
    }

    @Test
    void anonymousInputAndLiteralsKeepTheirText() {
        String text = "model M {\n input [28, 28, 1]\n Rescaling(1/255, offset=-.5)\n"
                + " Conv2D(1_000, (3,), strides=(), padding=((1, 0), (0, 1)), x=1e-3, y=2.)\n}\n";
        String expected = "model M {\n  input [28, 28, 1]\n  Rescaling(1 / 255, offset=-.5)\n"
                + "  Conv2D(1_000, (3,), strides=(), padding=((1, 0), (0, 1)), x=1e-3, y=2.)\n}\n";
        assertEquals(expected, AstPrinter.print(parse(text)));
    }

    @Test
    void parenthesesOnlyWherePrecedenceNeedsThem() {
        String text = "model M {\n input [1]\n"
                + " D(a=(1 + 2) * 3, b=1 + 2 * 3, c=1 - (2 - 3), d=(1 - 2) - 3, e=-(2 * 3), f=-2 * 3,"
                + " g=2 * -3, h=8 / (4 / 2), i=((7)))\n}\n";
        String expected = "model M {\n  input [1]\n"
                + "  D(a=(1 + 2) * 3, b=1 + 2 * 3, c=1 - (2 - 3), d=1 - 2 - 3, e=-(2 * 3), f=-2 * 3,"
                + " g=2 * -3, h=8 / (4 / 2), i=7)\n}\n";
        assertEquals(expected, AstPrinter.print(parse(text)));
    }

    @Test
    void stringsAreEscapedSoTheyReadBack() {
        ModelFile file = parse("model M {\n input [1]\n D(s='it\\'s \"q\" \\\\ \\n\\t end')\n}\n");
        String printed = AstPrinter.print(file);
        assertEquals("model M {\n  input [1]\n  D(s=\"it's \\\"q\\\" \\\\ \\n\\t end\")\n}\n", printed);
        assertEquals(SpanFree.of(file.decls()), SpanFree.of(parse(printed).decls()));
    }
}
