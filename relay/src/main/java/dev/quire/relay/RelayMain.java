package dev.quire.relay;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Entry point of the Quire relay ({@code ./quire relay}). A placeholder until the relay lands. */
@Command(
    name = "quire relay",
    mixinStandardHelpOptions = true,
    versionProvider = RelayMain.Version.class,
    description = "Runs the Quire relay, which forwards operations between editors.")
public final class RelayMain implements Callable<Integer> {

  /** Exit code of the placeholder: the relay is not implemented yet. */
  static final int NOT_IMPLEMENTED = 2;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("quire relay: not implemented yet");
    err.flush();
    return NOT_IMPLEMENTED;
  }

  /** Builds the picocli command line, for {@link #main} and tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new RelayMain());
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Reads the version from the jar manifest (Implementation-Version). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = RelayMain.class.getPackage().getImplementationVersion();
      return new String[] {"quire relay " + (v == null ? "dev" : v)};
    }
  }
}
