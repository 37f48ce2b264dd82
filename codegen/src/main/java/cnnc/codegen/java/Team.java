package cnnc.codegen.java;

import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.TypeSpec;
import java.util.function.IntConsumer;
import javax.lang.model.element.Modifier;

/**
 * The generated class's worker team: a fixed set of daemon threads that run one task together and wait, without
 * allocating per dispatch (tasks are created once; parking replaces futures). Part {@code 0} of a task runs on the
 * caller's thread.
 */
final class Team {
    private Team() {}

    static TypeSpec type() {
        return TypeSpec.classBuilder("Team").addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Daemon workers that run parts 1..n-1 of a task while the caller runs part 0.\n")
                .addField(Thread[].class, "workers", Modifier.PRIVATE, Modifier.FINAL)
                .addField(int.class, "generation", Modifier.PRIVATE, Modifier.VOLATILE)
                .addField(int.class, "parties", Modifier.PRIVATE, Modifier.VOLATILE)
                .addField(IntConsumer.class, "task", Modifier.PRIVATE, Modifier.VOLATILE)
                .addField(Thread.class, "caller", Modifier.PRIVATE, Modifier.VOLATILE)
                .addField(Throwable.class, "failure", Modifier.PRIVATE, Modifier.VOLATILE)
                .addField(java.util.concurrent.atomic.AtomicInteger.class, "remaining", Modifier.PRIVATE,
                        Modifier.FINAL)
                .addMethod(MethodSpec.constructorBuilder().addParameter(int.class, "size")
                        .addParameter(String.class, "name")
                        .addCode("remaining = new java.util.concurrent.atomic.AtomicInteger();\n"
                                + "workers = new Thread[size - 1];\n"
                                + "for (int i = 0; i < workers.length; i++) {\n"
                                + "  final int id = i + 1;\n"
                                + "  workers[i] = new Thread(() -> loop(id), name + \"-\" + id);\n"
                                + "  workers[i].setDaemon(true);\n"
                                + "  workers[i].start();\n"
                                + "}\n").build())
                .addMethod(MethodSpec.methodBuilder("loop").addModifiers(Modifier.PRIVATE)
                        .addParameter(int.class, "id")
                        .addCode("int seen = 0;\n"
                                + "while (true) {\n"
                                + "  int g;\n"
                                + "  while ((g = generation) == seen) java.util.concurrent.locks.LockSupport.park(this);\n"
                                + "  seen = g;\n"
                                + "  if (id >= parties) continue;\n"
                                + "  try {\n"
                                + "    task.accept(id);\n"
                                + "  } catch (Throwable t) {\n"
                                + "    failure = t;\n"
                                + "  }\n"
                                + "  if (remaining.decrementAndGet() == 0) "
                                + "java.util.concurrent.locks.LockSupport.unpark(caller);\n"
                                + "}\n").build())
                .addMethod(MethodSpec.methodBuilder("run")
                        .addJavadoc("Runs parts 0..n-1 of {@code t} (n at most the team's size) and waits for all."
                                + "\n")
                        .addParameter(int.class, "n").addParameter(IntConsumer.class, "t")
                        .addCode("failure = null;\n"
                                + "task = t;\n"
                                + "parties = n;\n"
                                + "caller = Thread.currentThread();\n"
                                + "remaining.set(n - 1);\n"
                                + "generation = generation + 1;\n"
                                + "for (int i = 0; i < n - 1; i++) java.util.concurrent.locks.LockSupport.unpark("
                                + "workers[i]);\n"
                                + "Throwable own = null;\n"
                                + "try {\n"
                                + "  t.accept(0);\n"
                                + "} catch (Throwable e) {\n"
                                + "  own = e;\n"
                                + "}\n"
                                + "while (remaining.get() != 0) java.util.concurrent.locks.LockSupport.park(this);\n"
                                + "Throwable f = own != null ? own : failure;\n"
                                + "if (f instanceof RuntimeException) throw (RuntimeException) f;\n"
                                + "if (f instanceof Error) throw (Error) f;\n"
                                + "if (f != null) throw new IllegalStateException(f);\n").build())
                .build();
    }
}
