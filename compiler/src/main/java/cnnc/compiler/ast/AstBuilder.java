package cnnc.compiler.ast;

import cnnc.compiler.diag.SourceFile;
import cnnc.compiler.diag.Span;
import cnnc.grammar.CnnParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/** Builds the immutable AST from a parse tree that had no syntax errors. */
final class AstBuilder {
    private final SourceFile source;

    AstBuilder(SourceFile source) {
        this.source = source;
    }

    ModelFile file(CnnParser.FileContext ctx) {
        List<Decl> decls = new ArrayList<>();
        for (CnnParser.DefinitionContext d : ctx.definition()) {
            if (d.modelDef() != null) {
                CnnParser.ModelDefContext m = d.modelDef();
                decls.add(new Decl.Model(m.name.getText(), span(m.name), statements(m.body)));
            } else {
                CnnParser.BlockDefContext b = d.blockDef();
                List<Param> params = new ArrayList<>();
                for (CnnParser.ParamContext p : b.params) {
                    params.add(new Param(p.name.getText(), p.defaultValue == null ? null : expr(p.defaultValue),
                            span(p.name)));
                }
                decls.add(new Decl.Block(b.name.getText(), span(b.name), params, statements(b.body)));
            }
        }
        return new ModelFile(source, decls);
    }

    private List<Stmt> statements(CnnParser.StatementsContext ctx) {
        List<Stmt> out = new ArrayList<>();
        for (CnnParser.StatementContext s : ctx.statement()) {
            out.add(statement(s));
        }
        return out;
    }

    private Stmt statement(CnnParser.StatementContext ctx) {
        if (ctx instanceof CnnParser.InputStatementContext in) {
            return new Stmt.Input(in.name.getText(), span(in.name), in.shape() == null ? null : shape(in.shape()),
                    span(ctx));
        }
        if (ctx instanceof CnnParser.AnonymousInputStatementContext in) {
            return new Stmt.Input("input", span(in.INPUT().getSymbol()), shape(in.shape()), span(ctx));
        }
        if (ctx instanceof CnnParser.OutputStatementContext out) {
            List<Ref> names = new ArrayList<>();
            for (Token t : out.names) {
                names.add(ref(t));
            }
            return new Stmt.Output(names, span(ctx));
        }
        if (ctx instanceof CnnParser.SettingsStatementContext st) {
            List<Stmt.Setting> settings = new ArrayList<>();
            for (CnnParser.SettingContext x : st.settings) {
                settings.add(new Stmt.Setting(ref(x.key), x.value == null ? null : expr(x.value),
                        x.call == null ? null : call(x.call), span(x)));
            }
            return new Stmt.Settings(ref(st.block), settings, span(st.block));
        }
        if (ctx instanceof CnnParser.RepeatStatementContext r) {
            return new Stmt.Repeat(r.target == null ? null : ref(r.target), expr(r.count), statements(r.body),
                    span(r.REPEAT().getSymbol()));
        }
        CnnParser.LayerStatementContext l = (CnnParser.LayerStatementContext) ctx;
        List<Ref> inputs = null;
        if (l.call.getStop().getTokenIndex() < l.getStop().getTokenIndex()) {
            inputs = new ArrayList<>();
            for (Token t : l.inputs) {
                inputs.add(ref(t));
            }
        }
        return new Stmt.Layer(l.target == null ? null : ref(l.target), call(l.call), inputs, span(ctx));
    }

    private List<Expr> shape(CnnParser.ShapeContext ctx) {
        return ctx.dims.stream().map(this::expr).toList();
    }

    private Call call(CnnParser.LayerCallContext ctx) {
        List<Arg> args = new ArrayList<>();
        for (CnnParser.ArgumentContext a : ctx.args) {
            if (a instanceof CnnParser.KeywordArgumentContext k) {
                args.add(new Arg(k.key.getText(), span(k.key), expr(k.value), span(a)));
            } else {
                CnnParser.PositionalArgumentContext p = (CnnParser.PositionalArgumentContext) a;
                args.add(new Arg(null, null, expr(p.value), span(a)));
            }
        }
        return new Call(ctx.layer.getText(), span(ctx.layer), args, span(ctx));
    }

    Expr expr(CnnParser.ExprContext ctx) {
        Span span = span(ctx);
        if (ctx instanceof CnnParser.IntegerLiteralContext) {
            return new Expr.IntLit(ctx.getText(), span);
        }
        if (ctx instanceof CnnParser.FloatLiteralContext) {
            return new Expr.FloatLit(ctx.getText(), span);
        }
        if (ctx instanceof CnnParser.StringLiteralContext) {
            return new Expr.StrLit(unquote(ctx.getText()), span);
        }
        if (ctx instanceof CnnParser.BooleanLiteralContext b) {
            return new Expr.BoolLit(b.TRUE() != null, span);
        }
        if (ctx instanceof CnnParser.IdentifierExprContext) {
            return new Expr.Ident(ctx.getText(), span);
        }
        if (ctx instanceof CnnParser.EmptyTupleContext) {
            return new Expr.Tuple(List.of(), span);
        }
        if (ctx instanceof CnnParser.SingletonTupleContext s) {
            return new Expr.Tuple(List.of(expr(s.single)), span);
        }
        if (ctx instanceof CnnParser.TupleExprContext t) {
            return new Expr.Tuple(t.items.stream().map(this::expr).toList(), span);
        }
        if (ctx instanceof CnnParser.ParenExprContext p) {
            return expr(p.inner);
        }
        if (ctx instanceof CnnParser.UnaryExprContext u) {
            return new Expr.Unary(u.op.getText().charAt(0), expr(u.operand), span);
        }
        if (ctx instanceof CnnParser.MultiplicativeExprContext m) {
            return new Expr.Binary(m.op.getText().charAt(0), expr(m.left), expr(m.right), span(m.op));
        }
        CnnParser.AdditiveExprContext a = (CnnParser.AdditiveExprContext) ctx;
        return new Expr.Binary(a.op.getText().charAt(0), expr(a.left), expr(a.right), span(a.op));
    }

    /** Python-style escapes: \\n, \\t, \\\\, \\' and \\"; any other escaped character stands for itself. */
    static String unquote(String quoted) {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c == '\\' && i + 1 < quoted.length() - 1) {
                char n = quoted.charAt(++i);
                out.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> n;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private Ref ref(Token t) {
        return new Ref(t.getText(), span(t));
    }

    Span span(Token t) {
        return new Span(source, t.getLine(), t.getCharPositionInLine() + 1, t.getText() == null ? 1
                : t.getText().length());
    }

    Span span(ParserRuleContext ctx) {
        Token start = ctx.getStart();
        Token stop = ctx.getStop();
        Span s = span(start);
        if (stop != null && stop.getLine() == start.getLine() && stop.getStopIndex() >= start.getStartIndex()) {
            return new Span(source, s.line(), s.column(), stop.getStopIndex() - start.getStartIndex() + 1);
        }
        return s;
    }
}
