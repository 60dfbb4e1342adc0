package dev.quire.editor.cli;

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
      ImportCommand.class,
      ExportCommand.class,
      VerifyCommand.class,
      BackupCommand.class,
      RestoreCommand.class,
      RenameCommand.class,
      ShareCommand.class,
      DeleteCommand.class,
      ShowCommand.class,
      HistoryCommand.class,
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
    return new CommandLine(new QuireCli());
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
