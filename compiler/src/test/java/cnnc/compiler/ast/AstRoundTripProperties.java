package cnnc.compiler.ast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import cnnc.compiler.RandomModels;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.diag.SourceFile;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Printing is the inverse of parsing: parse(print(ast)) is ast, up to source spans. */
class AstRoundTripProperties {

    private static ModelFile parse(String text) {
        Diagnostics diags = new Diagnostics();
        ModelFile file = Parser.parse(new SourceFile("t.cnn", text), diags);
        assertNotNull(file, () -> "printed text does not parse:\n" + text + "\n" + diags.render());
        return file;
    }

    @Provide
    Arbitrary<ModelFile> asts() {
        return Arbitraries.randomValue(random -> new RandomAst(random).file());
    }

    @Provide
    Arbitrary<String> models() {
        return RandomModels.texts();
    }

    @Property(tries = 500)
    void printThenParseGivesTheSameTree(@ForAll("asts") ModelFile ast) {
        String printed = AstPrinter.print(ast);
        assertEquals(SpanFree.of(ast.decls()), SpanFree.of(parse(printed).decls()), printed);
    }

    @Property(tries = 200)
    void parsePrintParseOfModelTextsIsStable(@ForAll("models") String text) {
        ModelFile first = parse(text);
        String printed = AstPrinter.print(first);
        ModelFile second = parse(printed);
        assertEquals(SpanFree.of(first.decls()), SpanFree.of(second.decls()), printed);
        assertEquals(printed, AstPrinter.print(second));
    }
}
