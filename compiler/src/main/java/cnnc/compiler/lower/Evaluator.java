package cnnc.compiler.lower;

import cnnc.compiler.ast.Expr;
import cnnc.compiler.ir.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Evaluates argument expressions. Identifiers bound to block parameters take the parameter's value; any other
 * identifier is a symbol ({@code same}, {@code relu}, {@code None}). Arithmetic: {@code + - *} on integers stays
 * integer (an overflow is an error); {@code /} is integer when both sides are integers and it divides exactly,
 * otherwise a float; anything mixed with a float is a float.
 */
final class Evaluator {
    /** Thrown with the span-located reason an expression has no value. */
    static final class EvalException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Expr at;

        EvalException(Expr at, String message) {
            super(message, null, false, false);
            this.at = at;
        }

        Expr at() {
            return at;
        }
    }

    private Evaluator() {}

    static Value eval(Expr e, Map<String, Value> env) throws EvalException {
        if (e instanceof Expr.IntLit i) {
            String digits = i.text().replace("_", "");
            try {
                return new Value.Int(Long.parseLong(digits));
            } catch (NumberFormatException ex) {
                throw new EvalException(e, "integer " + digits + " is too large (the limit is "
                        + Long.MAX_VALUE + ")");
            }
        }
        if (e instanceof Expr.FloatLit f) {
            double d = Double.parseDouble(f.text().replace("_", ""));
            if (Double.isInfinite(d)) {
                throw new EvalException(e, "number " + f.text() + " is too large");
            }
            return new Value.Float(d);
        }
        if (e instanceof Expr.StrLit s) {
            return new Value.Str(s.value());
        }
        if (e instanceof Expr.BoolLit b) {
            return new Value.Bool(b.value());
        }
        if (e instanceof Expr.Ident id) {
            Value bound = env.get(id.name());
            return bound != null ? bound : new Value.Sym(id.name());
        }
        if (e instanceof Expr.Tuple t) {
            List<Value> items = new ArrayList<>();
            for (Expr item : t.items()) {
                items.add(eval(item, env));
            }
            return new Value.Tuple(items);
        }
        if (e instanceof Expr.Unary u) {
            Value v = eval(u.operand(), env);
            if (u.op() == '+' && (v instanceof Value.Int || v instanceof Value.Float)) {
                return v;
            }
            if (v instanceof Value.Int i) {
                if (i.value() == Long.MIN_VALUE) {
                    throw new EvalException(e, "integer overflow in `-(" + i + ")`");
                }
                return new Value.Int(-i.value());
            }
            if (v instanceof Value.Float f) {
                return new Value.Float(-f.value());
            }
            throw new EvalException(e, "cannot compute `" + u.op() + v + "`: arithmetic needs numbers");
        }
        Expr.Binary b = (Expr.Binary) e;
        return arithmetic(b, eval(b.left(), env), eval(b.right(), env));
    }

    private static Value arithmetic(Expr.Binary b, Value l, Value r) throws EvalException {
        if (l instanceof Value.Int li && r instanceof Value.Int ri) {
            long x = li.value();
            long y = ri.value();
            try {
                return switch (b.op()) {
                    case '+' -> new Value.Int(Math.addExact(x, y));
                    case '-' -> new Value.Int(Math.subtractExact(x, y));
                    case '*' -> new Value.Int(Math.multiplyExact(x, y));
                    default -> {
                        if (y == 0) {
                            throw new EvalException(b, "division by zero");
                        }
                        yield x % y == 0 ? new Value.Int(x / y) : new Value.Float((double) x / y);
                    }
                };
            } catch (ArithmeticException ex) {
                throw new EvalException(b, "integer overflow in `" + l + " " + b.op() + " " + r + "`");
            }
        }
        if (isNumber(l) && isNumber(r)) {
            double x = number(l);
            double y = number(r);
            if (b.op() == '/' && y == 0) {
                throw new EvalException(b, "division by zero");
            }
            double v = switch (b.op()) {
                case '+' -> x + y;
                case '-' -> x - y;
                case '*' -> x * y;
                default -> x / y;
            };
            return new Value.Float(v);
        }
        throw new EvalException(b, "cannot compute `" + l + " " + b.op() + " " + r + "`: arithmetic needs numbers");
    }

    private static boolean isNumber(Value v) {
        return v instanceof Value.Int || v instanceof Value.Float;
    }

    private static double number(Value v) {
        return v instanceof Value.Int i ? i.value() : ((Value.Float) v).value();
    }
}
