package dev.quire.editor.cli;

import dev.quire.editor.crypto.Keyring;
import dev.quire.editor.store.LocalStore;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code quire devices}: this device's fingerprint and the devices this profile has pinned. */
@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    description = {
      "Prints this device's key fingerprint, then every device of encrypted documents' members"
          + " this profile has seen, one a line.",
      "Tab-separated: USER, CLIENT id, FINGERPRINT; the first line is 'this', this profile's"
          + " client id and its fingerprint. Compare fingerprints with their owners by another"
          + " channel: a device's keys are trusted as first seen, and a changed key is refused."
    })
final class DevicesCommand extends ProfileCommand {
  @Override
  int run(LocalStore store, PrintWriter out) {
    Keyring keyring = await(Keyring.load(store));
    out.println("this\t" + store.clientId() + "\t" + Keyring.fingerprint(keyring.publicKeys()));
    for (Keyring.Pinned p : keyring.pinnedDevices()) {
      out.println(p.user() + "\t" + p.clientId() + "\t" + Keyring.fingerprint(p.keys()));
    }
    return ExitCodes.OK;
  }
}
