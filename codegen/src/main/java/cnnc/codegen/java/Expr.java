package cnnc.codegen.java;

/** Builds small integer index expressions without noise: {@code lin("oy", 2, -1)} is {@code oy * 2 - 1}. */
final class Expr {
    private Expr() {}

    /** {@code var * coef + add}, dropping a factor of 1 and a term of 0. */
    static String lin(String var, long coef, long add) {
        String s = coef == 0 ? "" : coef == 1 ? var : var + " * " + coef;
        if (s.isEmpty()) {
            return Long.toString(add);
        }
        if (add > 0) {
            return s + " + " + add;
        }
        if (add < 0) {
            return s + " - " + (-add);
        }
        return s;
    }

    /** {@code a + b} where either may be "0". */
    static String plus(String a, String b) {
        if (a.equals("0")) {
            return b;
        }
        if (b.equals("0")) {
            return a;
        }
        return a + " + " + b;
    }

    /** {@code (e) * k} with parentheses only when needed. */
    static String times(String e, long k) {
        if (k == 1) {
            return e;
        }
        if (k == 0 || e.equals("0")) {
            return "0";
        }
        return (e.matches("[A-Za-z_0-9]+") ? e : "(" + e + ")") + " * " + k;
    }

    /** A float literal that reads back exactly. */
    static String f(double v) {
        float x = (float) v;
        if (x == Math.rint(x) && Math.abs(x) < 1e7) {
            return (long) x + "f";
        }
        return Float.toString(x) + "f";
    }
}
