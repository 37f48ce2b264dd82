package cnnc.codegen.java;

import com.squareup.javapoet.AnnotationSpec;

/** Annotations the generated code uses. */
final class AnnotationSpecs {
    private AnnotationSpecs() {}

    static AnnotationSpec unchecked() {
        return AnnotationSpec.builder(SuppressWarnings.class).addMember("value", "$S", "unchecked").build();
    }
}
