package dev.quire.editor.cli;

import dev.quire.editor.crypto.Keyring;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.SyncEngine;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.UserDevice;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quire devices [list|revoke CLIENT_ID]}: this device's fingerprint and the devices this
 * profile has pinned (no action); this user's devices on the relay ({@code list}); revoking one of
 * them ({@code revoke}).
 */
@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    description = {
      "Without ACTION: prints this device's key fingerprint, then every device of encrypted"
          + " documents' members this profile has seen, one a line, tab-separated: USER, CLIENT"
          + " id, FINGERPRINT; the first line is 'this', this profile's client id and its"
          + " fingerprint. Compare fingerprints with their owners by another channel: a device's"
          + " keys are trusted as first seen, and a changed key is refused. Works offline.",
      "list: your devices that registered keys with the relay and are not revoked, one a line,"
          + " tab-separated: CLIENT id, REGISTERED (UTC), and 'this' on this device's line.",
      "revoke CLIENT_ID: revokes another of your devices (a lost laptop): the relay refuses it"
          + " from then on and forgets the document keys sealed to it, and the key of every"
          + " encrypted document you have a role on rotates, without that device, when its"
          + " owner's client next connects."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:the relay refused (an unknown device) or could not be reached",
      "2:a bad argument (this device's own client id)",
      "3:the profile cannot be opened"
    })
final class DevicesCommand extends ProfileCommand {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "ACTION",
      description = "list or revoke (default: this device's fingerprint and the pinned devices)")
  String action;

  @Parameters(index = "1", arity = "0..1", paramLabel = "CLIENT_ID", description = "the device")
  String clientId;

  @Mixin RelayOptions relayOptions;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "give up after this long (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Override
  int run(LocalStore store, PrintWriter out) {
    if (action == null) {
      if (clientId != null) {
        throw new CliException(ExitCodes.USAGE, "CLIENT_ID is only for revoke");
      }
      return pinned(store, out);
    }
    boolean revoke = action.equals("revoke");
    if (!revoke && !action.equals("list")) {
      throw new CliException(ExitCodes.USAGE, "ACTION is list or revoke, not " + action);
    }
    if (revoke != (clientId != null)) {
      throw new CliException(
          ExitCodes.USAGE,
          revoke
              ? "revoke needs the device: devices revoke CLIENT_ID"
              : "CLIENT_ID is only for revoke");
    }
    if (revoke) {
      requireAnotherDevice(store);
    }
    SyncEngine.Config config = relayOptions.config(store, true);
    try (RelayRequests relay = RelayRequests.connect(store, config, timeoutSeconds)) {
      if (revoke) {
        long documents = relay.answer(e -> e.revokeDevice(clientId));
        out.println(
            "revoked "
                + clientId
                + "; the key of "
                + documents
                + " encrypted document(s) rotates when its owner's client next connects");
      } else {
        list(relay.answer(SyncEngine::userDevices), store.clientId(), out);
      }
      return ExitCodes.OK;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "interrupted");
    }
  }

  private static int pinned(LocalStore store, PrintWriter out) {
    Keyring keyring = await(Keyring.load(store));
    out.println("this\t" + store.clientId() + "\t" + Keyring.fingerprint(keyring.publicKeys()));
    for (Keyring.Pinned p : keyring.pinnedDevices()) {
      out.println(p.user() + "\t" + p.clientId() + "\t" + Keyring.fingerprint(p.keys()));
    }
    return ExitCodes.OK;
  }

  private void requireAnotherDevice(LocalStore store) {
    if (clientId.equals(store.clientId())) {
      throw new CliException(
          ExitCodes.USAGE, clientId + " is this device: revoke it from another of your devices");
    }
    try {
      new ClientMessage.RevokeDevice(clientId); // the protocol's own check of a client id
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, "CLIENT_ID: " + e.getMessage());
    }
  }

  private static void list(List<UserDevice> devices, String self, PrintWriter out) {
    for (UserDevice d : devices) {
      String registered =
          Instant.ofEpochMilli(d.registeredMillis()).truncatedTo(ChronoUnit.SECONDS).toString();
      out.println(d.clientId() + "\t" + registered + (d.clientId().equals(self) ? "\tthis" : ""));
    }
  }
}
