package dev.quire.editor.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code quire} command line. Every {@code ./quire} invocation except {@code ./quire relay}
 * lands here; each feature is a subcommand.
 */
@Command(
    name = "quire",
    mixinStandardHelpOptions = true,
    versionProvider = QuireCli.Version.class,
    description = "Quire, a local-first collaborative editor.",
    subcommands = {
      EditCommand.class,
      DemoCommand.class,
      DocsCommand.class,
      NewCommand.class,
      DevicesCommand.class,
      ImportCommand.class,
      ExportCommand.class,
      VerifyCommand.class,
      CountersignCommand.class,
      BackupCommand.class,
      RestoreCommand.class,
      RenameCommand.class,
      ShareCommand.class,
      DeleteCommand.class,
      DiscardCommand.class,
      TrashCommand.class,
      ShowCommand.class,
      HistoryCommand.class,
      VersionsCommand.class,
      VersionCommand.class,
      CommentsCommand.class,
      SyncCommand.class,
      TypeCommand.class,
      BenchCommand.class,
      TraceCommand.class
    })
public final class QuireCli implements Callable<Integer> {

  @Spec CommandSpec spec;

  /** Without a subcommand: print the usage to stderr and exit with picocli's usage code (2). */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return CommandLine.ExitCode.USAGE;
  }

  /** Builds the picocli command line, for {@link #main} and tests. */
  public static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new QuireCli());
    // Help as wide as the terminal (80 columns when unknown), descriptions wrapped as paragraphs.
    cmd.setUsageHelpAutoWidth(true);
    cmd.setUsageHelpLongOptionsMaxWidth(24);
    cmd.setParameterExceptionHandler(QuireCli::badArguments);
    return cmd;
  }

  /** An unknown command is named as one, with the nearest ones; other mistakes as picocli says. */
  private static int badArguments(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    if (e instanceof CommandLine.UnmatchedArgumentException u
        && cmd.getCommandSpec().parent() == null
        && !u.getUnmatched().isEmpty()
        && !u.getUnmatched().get(0).startsWith("-")) {
      err.println("quire: unknown command '" + u.getUnmatched().get(0) + "'");
      CommandLine.UnmatchedArgumentException.printSuggestions(u, err);
      err.println("See 'quire --help' for the commands.");
    } else {
      err.println(e.getMessage());
      if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
        err.println("See '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
      }
    }
    err.flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Reads the version from the jar manifest (Implementation-Version). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = QuireCli.class.getPackage().getImplementationVersion();
      return new String[] {"quire " + (v == null ? "dev" : v)};
    }
  }
}
