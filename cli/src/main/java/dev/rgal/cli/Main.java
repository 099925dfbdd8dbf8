package dev.rgal.cli;

import dev.rgal.api.DfkdException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code rgal} command. */
@Command(
    name = "rgal",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Data-free knowledge distillation: synthesise images from a teacher alone and train a student on them.",
    subcommands = {PluginsCommand.class, TeacherCommand.class, DistillCommand.class, QuantizeCommand.class, IncrementalCommand.class, EvalCommand.class, BenchCommand.class, CompareCommand.class, RunsCommand.class, ExportCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (0 ok, 1 error, 2 usage). */
  public static int run(String... args) {
    if (java.util.Arrays.asList(args).contains("--deterministic")) {
      // must be set before the PyTorch engine starts; the engine reads it once
      System.setProperty("ai.djl.pytorch.num_threads", "1");
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(Main::handle);
    return cl.execute(args);
  }

  private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    boolean verbose = parsed.expandedArgs().contains("--verbose") || parsed.expandedArgs().contains("-v");
    if (e instanceof DfkdException) {
      err.println("rgal: error: " + e.getMessage());
    } else {
      err.println("rgal: internal error: " + e + (verbose ? "" : " (run with --verbose for the stack trace)"));
    }
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    return 1;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"rgal " + (v == null ? "dev" : v)};
    }
  }
}
