package cnnc.compiler.ast;

import cnnc.compiler.diag.SourceFile;
import java.util.List;

/** A parsed .cnn file: its definitions in source order. */
public record ModelFile(SourceFile source, List<Decl> decls) {
    public ModelFile {
        decls = List.copyOf(decls);
    }

    public List<Decl.Model> models() {
        return decls.stream().filter(d -> d instanceof Decl.Model).map(d -> (Decl.Model) d).toList();
    }

    public List<Decl.Block> blocks() {
        return decls.stream().filter(d -> d instanceof Decl.Block).map(d -> (Decl.Block) d).toList();
    }
}
