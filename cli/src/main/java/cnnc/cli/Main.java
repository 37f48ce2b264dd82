package cnnc.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code cnnc} command. Exit status: 0 success, 1 an invalid model or input, 2 bad usage, 70 an internal error
 * (one line; the stack trace only under {@code --debug}).
 */
@Command(name = "cnnc", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A compiler for convolutional neural networks.",
        subcommands = {SummaryCommand.class, IrCommand.class, InitCommand.class, RunCommand.class,
                CompileCommand.class, BenchCommand.class, TrainCommand.class, EvaluateCommand.class, PredictCommand.class,
                DevicesCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_INVALID = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_INTERNAL = 70;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed, e.g. `cnnc summary FILE`");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("cnnc: error: " + ex.getMessage());
            CommandLine c = ex.getCommandLine();
            err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof UserError u) {
                err.print(u.getMessage().endsWith("\n") ? u.getMessage() : u.getMessage() + "\n");
                err.flush();
                return u.exitCode();
            }
            if (ex instanceof cnnc.runtime.opencl.OpenClException o) {
                err.println("cnnc: error: " + o.getMessage());
                err.flush();
                return EXIT_INVALID;
            }
            err.println("internal error: " + ex + (debug ? "" : " (run with --debug for the stack trace)"));
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return EXIT_INTERNAL;
        });
        try {
            int code = cli.execute(args);
            out.flush();
            err.flush();
            return code;
        } catch (OutOfMemoryError e) {
            err.println("cnnc: error: out of memory; give the JVM more heap, e.g. CNNC_JAVA_OPTS=-Xmx8g");
            err.flush();
            return EXIT_INVALID;
        } catch (RuntimeException | Error e) {
            err.println("internal error: " + e + (debug ? "" : " (run with --debug for the stack trace)"));
            if (debug) {
                e.printStackTrace(err);
            }
            err.flush();
            return EXIT_INTERNAL;
        }
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"cnnc " + (v == null ? "dev" : v)};
        }
    }
}
