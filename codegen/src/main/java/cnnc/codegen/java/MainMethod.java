package cnnc.codegen.java;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.TypeSpec;
import javax.lang.model.element.Modifier;

/**
 * The generated class's {@code main}: {@code java -jar model.jar --input [NAME=]X.npy --output [NAME=]Y.npy
 * [--threads N]} with a minimal .npy (float32, C order) reader and an atomic writer, so that a compiled jar needs
 * nothing but a JDK. Errors print one line and exit 1 (2 for bad usage).
 */
final class MainMethod {
    private MainMethod() {}

    static void add(TypeSpec.Builder t, ClassName self) {
        t.addMethod(MethodSpec.methodBuilder("main").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addParameter(String[].class, "args")
                .addCode("java.util.Map<String, String> in = new java.util.LinkedHashMap<>();\n"
                        + "java.util.Map<String, String> out = new java.util.LinkedHashMap<>();\n"
                        + "int threads = Runtime.getRuntime().availableProcessors();\n"
                        + "int top = 0;\n"
                        + "try {\n"
                        + "  for (int i = 0; i < args.length; i++) {\n"
                        + "    String a = args[i];\n"
                        + "    if (a.equals(\"--help\") || a.equals(\"-h\")) {\n"
                        + "      System.out.println(\"usage: java -jar model.jar --input [NAME=]X.npy [--output "
                        + "[NAME=]Y.npy] [--top K] [--threads N]\");\n"
                        + "      System.out.println(\"inputs: \" + describe(INPUT_NAMES, INPUT_SHAPES));\n"
                        + "      System.out.println(\"outputs: \" + describe(OUTPUT_NAMES, OUTPUT_SHAPES));\n"
                        + "      return;\n"
                        + "    }\n"
                        + "    if (i + 1 >= args.length) usage(\"missing value after \" + a);\n"
                        + "    String v = args[++i];\n"
                        + "    switch (a) {\n"
                        + "      case \"--input\": put(in, v, INPUT_NAMES, \"input\"); break;\n"
                        + "      case \"--output\": put(out, v, OUTPUT_NAMES, \"output\"); break;\n"
                        + "      case \"--threads\": threads = Integer.parseInt(v); break;\n"
                        + "      case \"--top\": top = Integer.parseInt(v); break;\n"
                        + "      default: usage(\"unknown option \" + a);\n"
                        + "    }\n"
                        + "  }\n"
                        + "  if (in.size() != INPUT_NAMES.length) usage(\"give every input: \" + "
                        + "String.join(\", \", INPUT_NAMES));\n"
                        + "  if (out.isEmpty() && top <= 0) usage(\"give --output or --top K\");\n"
                        + "  float[][] x = new float[INPUT_NAMES.length][];\n"
                        + "  int batch = -1;\n"
                        + "  for (int i = 0; i < INPUT_NAMES.length; i++) {\n"
                        + "    String path = in.get(INPUT_NAMES[i]);\n"
                        + "    long[] shape = new long[1];\n"
                        + "    x[i] = readNpy(path, INPUT_SHAPES[i], shape);\n"
                        + "    if (batch >= 0 && shape[0] != batch) fail(path + \": batch \" + shape[0] + \" differs "
                        + "from the other inputs' \" + batch);\n"
                        + "    batch = (int) shape[0];\n"
                        + "  }\n"
                        + "  $T model = load(Math.max(1, threads));\n"
                        + "  float[][] y = new float[OUTPUT_NAMES.length][];\n"
                        + "  for (int o = 0; o < y.length; o++) y[o] = new float[(int) (batch * size(OUTPUT_SHAPES[o]))];\n"
                        + "  model.run(x, y, batch);\n"
                        + "  for (int o = 0; o < y.length; o++) {\n"
                        + "    String path = out.get(OUTPUT_NAMES[o]);\n"
                        + "    if (path != null) writeNpy(path, batch, OUTPUT_SHAPES[o], y[o]);\n"
                        + "  }\n"
                        + "  if (top > 0) printTop(y[0], batch, (int) size(OUTPUT_SHAPES[0]), top);\n"
                        + "} catch (NumberFormatException e) {\n"
                        + "  usage(\"--threads and --top need a number\");\n"
                        + "} catch (java.io.IOException | RuntimeException e) {\n"
                        + "  fail(String.valueOf(e.getMessage()));\n"
                        + "}\n", self).build());
        t.addMethod(MethodSpec.methodBuilder("printTop").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("Prints, per example, the {@code k} largest outputs as {@code index (value)}.\n")
                .addParameter(float[].class, "y").addParameter(int.class, "batch").addParameter(int.class, "size")
                .addParameter(int.class, "k")
                .addCode("for (int b = 0; b < batch; b++) {\n"
                        + "  Integer[] order = new Integer[size];\n"
                        + "  for (int i = 0; i < size; i++) order[i] = i;\n"
                        + "  final int base = b * size;\n"
                        + "  java.util.Arrays.sort(order, (p, q) -> Float.compare(y[base + q], y[base + p]));\n"
                        + "  StringBuilder s = new StringBuilder(\"example \" + b + \":\");\n"
                        + "  for (int i = 0; i < Math.min(k, size); i++) s.append(String.format(java.util.Locale.ROOT, \" %d (%.4f)\", "
                        + "order[i], y[base + order[i]]));\n"
                        + "  System.out.println(s);\n"
                        + "}\n").build());
        t.addMethod(MethodSpec.methodBuilder("describe").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(String.class).addParameter(String[].class, "names").addParameter(int[][].class, "shapes")
                .addCode("StringBuilder s = new StringBuilder();\n"
                        + "for (int i = 0; i < names.length; i++) {\n"
                        + "  if (i > 0) s.append(\", \");\n"
                        + "  s.append(names[i]).append(\" [N\");\n"
                        + "  for (int d : shapes[i]) s.append(\", \").append(d);\n"
                        + "  s.append(']');\n"
                        + "}\n"
                        + "return s.toString();\n").build());
        t.addMethod(MethodSpec.methodBuilder("put").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(com.squareup.javapoet.ParameterizedTypeName.get(java.util.Map.class, String.class,
                        String.class), "map").addParameter(String.class, "spec")
                .addParameter(String[].class, "names").addParameter(String.class, "what")
                .addCode("int eq = spec.indexOf('=');\n"
                        + "String name = eq > 0 ? spec.substring(0, eq) : null;\n"
                        + "String path = eq > 0 ? spec.substring(eq + 1) : spec;\n"
                        + "if (name == null) {\n"
                        + "  if (names.length != 1) usage(\"the model has several \" + what + \"s; write --\" + what"
                        + " + \" NAME=FILE.npy\");\n"
                        + "  name = names[0];\n"
                        + "}\n"
                        + "if (!java.util.Arrays.asList(names).contains(name)) usage(\"no \" + what + \" named \" + "
                        + "name + \"; the model has: \" + String.join(\", \", names));\n"
                        + "map.put(name, path);\n").build());
        t.addMethod(MethodSpec.methodBuilder("usage").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(String.class, "message")
                .addCode("System.err.println(\"error: \" + message);\nSystem.exit(2);\n").build());
        t.addMethod(MethodSpec.methodBuilder("fail").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(String.class, "message")
                .addCode("System.err.println(\"error: \" + message);\nSystem.exit(1);\n").build());
        t.addMethod(MethodSpec.methodBuilder("readNpy").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(float[].class).addException(java.io.IOException.class)
                .addJavadoc("Reads a C-order .npy of shape [N, ...expected] and any float, int, uint or bool dtype as"
                        + " float32; N goes to batch[0].\n")
                .addParameter(String.class, "path").addParameter(int[].class, "expected")
                .addParameter(long[].class, "batch")
                .addCode("byte[] all = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(path));\n"
                        + "java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(all).order(java.nio.ByteOrder.LITTLE_ENDIAN);\n"
                        + "if (all.length < 10 || (all[0] & 0xff) != 0x93 || all[1] != 'N' || all[2] != 'U') "
                        + "throw new java.io.IOException(path + \": not a .npy file\");\n"
                        + "int major = all[6];\n"
                        + "b.position(8);\n"
                        + "long headerLength = major == 1 ? (b.getShort() & 0xffff) : (b.getInt() & 0xffffffffL);\n"
                        + "if (b.position() + headerLength > all.length) throw new java.io.IOException(path + \": "
                        + "truncated header\");\n"
                        + "String h = new String(all, b.position(), (int) headerLength, java.nio.charset.StandardCharsets"
                        + ".ISO_8859_1).replace(\" \", \"\");\n"
                        + "b.position(b.position() + (int) headerLength);\n"
                        + "int d = h.indexOf(\"'descr':'\");\n"
                        + "if (d < 0) throw new java.io.IOException(path + \": no dtype in header\");\n"
                        + "String descr = h.substring(d + 9, h.indexOf('\\'', d + 9));\n"
                        + "if (descr.length() < 3) throw new java.io.IOException(path + \": unsupported dtype \" + descr);\n"
                        + "char order = descr.charAt(0);\n"
                        + "char kind = descr.charAt(1);\n"
                        + "int width;\n"
                        + "try {\n"
                        + "  width = Integer.parseInt(descr.substring(2));\n"
                        + "} catch (NumberFormatException e) {\n"
                        + "  throw new java.io.IOException(path + \": unsupported dtype \" + descr);\n"
                        + "}\n"
                        + "boolean ok = (kind == 'f' && (width == 2 || width == 4 || width == 8))\n"
                        + "    || ((kind == 'i' || kind == 'u') && (width == 1 || width == 2 || width == 4 || width == 8))\n"
                        + "    || (kind == 'b' && width == 1);\n"
                        + "if (!ok) throw new java.io.IOException(path + \": unsupported dtype \" + descr + \"; save the "
                        + "array as float32\");\n"
                        + "b.order(order == '>' ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);\n"
                        + "if (h.contains(\"'fortran_order':True\")) throw new java.io.IOException("
                        + "path + \": Fortran-order arrays are not supported; save with np.ascontiguousarray\");\n"
                        + "int open = h.indexOf('(', h.indexOf(\"'shape'\"));\n"
                        + "int close = h.indexOf(')', open);\n"
                        + "if (open < 0 || close < 0) throw new java.io.IOException(path + \": no shape in header\");\n"
                        + "java.util.List<Long> dims = new java.util.ArrayList<>();\n"
                        + "for (String p : h.substring(open + 1, close).split(\",\")) {\n"
                        + "  if (p.isEmpty()) continue;\n"
                        + "  long v;\n"
                        + "  try {\n"
                        + "    v = Long.parseLong(p);\n"
                        + "  } catch (NumberFormatException e) {\n"
                        + "    throw new java.io.IOException(path + \": bad shape in header\");\n"
                        + "  }\n"
                        + "  if (v < 0) throw new java.io.IOException(path + \": the shape has a negative dimension\");\n"
                        + "  dims.add(v);\n"
                        + "}\n"
                        + "boolean fits = dims.size() == expected.length + 1;\n"
                        + "for (int i = 0; fits && i < expected.length; i++) fits = dims.get(i + 1) == expected[i];\n"
                        + "if (!fits) throw new java.io.IOException(path + \": shape \" + dims + \" does not match [N, \""
                        + " + java.util.Arrays.toString(expected).substring(1));\n"
                        + "batch[0] = dims.get(0);\n"
                        + "long count = batch[0] * size(expected);\n"
                        + "if (count > Integer.MAX_VALUE - 8 || b.remaining() < count * width) "
                        + "throw new java.io.IOException(path + \": truncated data\");\n"
                        + "float[] x = new float[(int) count];\n"
                        + "for (int i = 0; i < x.length; i++) {\n"
                        + "  switch (kind) {\n"
                        + "    case 'f': x[i] = width == 4 ? b.getFloat() : width == 8 ? (float) b.getDouble() "
                        + ": half(b.getShort()); break;\n"
                        + "    case 'i': x[i] = width == 1 ? b.get() : width == 2 ? b.getShort() : width == 4 ? b.getInt()"
                        + " : (float) b.getLong(); break;\n"
                        + "    case 'u': x[i] = width == 1 ? (b.get() & 0xff) : width == 2 ? (b.getShort() & 0xffff) "
                        + ": width == 4 ? (float) (b.getInt() & 0xffffffffL) : Float.parseFloat(Long.toUnsignedString("
                        + "b.getLong())); break;\n"
                        + "    default: x[i] = b.get() != 0 ? 1f : 0f;\n"
                        + "  }\n"
                        + "}\n"
                        + "return x;\n").build());
        t.addMethod(MethodSpec.methodBuilder("half").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(float.class).addJavadoc("IEEE 754 binary16 to float.\n").addParameter(short.class, "h")
                .addCode("int bits = h & 0xffff;\n"
                        + "int sign = (bits >>> 15) << 31;\n"
                        + "int exp = (bits >>> 10) & 0x1f;\n"
                        + "int mant = bits & 0x3ff;\n"
                        + "if (exp == 0) return Float.intBitsToFloat(sign) + (sign != 0 ? -1 : 1) * mant * 0x1p-24f;\n"
                        + "if (exp == 31) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));\n"
                        + "return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));\n").build());
        t.addMethod(MethodSpec.methodBuilder("writeNpy").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addException(java.io.IOException.class)
                .addJavadoc("Writes a float32 .npy (v1.0) whole or not at all: a temporary file, then a rename.\n")
                .addParameter(String.class, "path").addParameter(int.class, "batch").addParameter(int[].class, "shape")
                .addParameter(float[].class, "data")
                .addCode("StringBuilder dims = new StringBuilder().append(batch).append(\",\");\n"
                        + "for (int d : shape) dims.append(' ').append(d).append(',');\n"
                        + "String header = \"{'descr': '<f4', 'fortran_order': False, 'shape': (\" + "
                        + "dims.substring(0, shape.length == 0 ? dims.length() : dims.length() - 1) + \"), }\";\n"
                        + "int total = 10 + header.length() + 1;\n"
                        + "int pad = (64 - total % 64) % 64;\n"
                        + "header = header + \" \".repeat(pad) + \"\\n\";\n"
                        + "java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + header.length() + 4 * data.length)"
                        + ".order(java.nio.ByteOrder.LITTLE_ENDIAN);\n"
                        + "b.put((byte) 0x93).put(\"NUMPY\".getBytes(java.nio.charset.StandardCharsets.US_ASCII))"
                        + ".put((byte) 1).put((byte) 0).putShort((short) header.length());\n"
                        + "b.put(header.getBytes(java.nio.charset.StandardCharsets.US_ASCII));\n"
                        + "b.asFloatBuffer().put(data);\n"
                        + "java.nio.file.Path target = java.nio.file.Path.of(path).toAbsolutePath();\n"
                        + "java.nio.file.Path tmp = java.nio.file.Files.createTempFile(target.getParent(), "
                        + "\".\" + target.getFileName(), \".tmp\");\n"
                        + "try {\n"
                        + "  java.nio.file.Files.write(tmp, b.array());\n"
                        + "  java.nio.file.Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,"
                        + " java.nio.file.StandardCopyOption.ATOMIC_MOVE);\n"
                        + "} finally {\n"
                        + "  java.nio.file.Files.deleteIfExists(tmp);\n"
                        + "}\n").build());
    }
}
