package dev.quire.editor.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.history.HistoryRecord.RevisionRecord;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HistoryVerifierTest {
  private final List<RevisionRecord> revisions = HistoryFixtures.revisions(25);
  private final String file = HistoryFixtures.write(revisions, 10, null);

  private static HistoryVerifier.Result verify(String text) {
    return verify(text.getBytes(StandardCharsets.UTF_8), Set.of());
  }

  private static HistoryVerifier.Result verify(byte[] bytes, Set<String> trusted) {
    return new HistoryVerifier(trusted)
        .verify(new ByteArrayInputStream(bytes), new HistoryVerifier.Listener() {});
  }

  private List<String> lines() {
    return new ArrayList<>(Arrays.asList(file.split("\n")));
  }

  /** Line index of revision r: the header, r - 1 revisions and a checkpoint per 10 before it. */
  private static int lineOf(int r) {
    return r + (r - 1) / 10;
  }

  private static String join(List<String> lines) {
    return String.join("\n", lines) + "\n";
  }

  private static void assertFirstBad(HistoryVerifier.Result r, long revision, String says) {
    assertThat(r.ok()).isFalse();
    assertThat(r.problem().revision()).as(r.problem().getMessage()).isEqualTo(revision);
    assertThat(r.problem().getMessage()).contains(says);
  }

  @Test
  void anExportedHistory_verifies() {
    HistoryVerifier.Result r = verify(file);
    assertThat(r.problem()).isNull();
    assertThat(r.head()).isEqualTo(25);
    assertThat(r.verifiedUpTo()).isEqualTo(25);
    assertThat(r.checkpoints()).isEqualTo(3); // 10, 20 and the end
    assertThat(r.header().document()).isEqualTo("d-1");
  }

  @Test
  void everyLine_isItsOwnCanonicalJson_withLowerCaseEscapes() throws Exception {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line : lines()) {
      StringBuilder c = new StringBuilder();
      dev.quire.ot.codec.CanonicalJson.append(c, mapper.readTree(line));
      assertThat(line).isEqualTo(c.toString());
    }
    assertThat(file).contains("\\u000b").doesNotContain("\\u000B");
  }

  @Test
  void revisionLines_areTheGenericCanonicalFormOfTheirRecord() {
    List<String> lines = lines();
    String prev = null;
    int r = 0;
    for (String line : lines) {
      if (line.contains("\"type\":\"revision\"")) {
        java.util.Map<String, Object> m = revisions.get(r++).body();
        m.put("prev", prev);
        String hash = HistoryFormat.sha256(dev.quire.ot.codec.CanonicalJson.write(m));
        m.put("hash", hash);
        assertThat(line).isEqualTo(dev.quire.ot.codec.CanonicalJson.write(m));
      }
      prev = line.replaceAll(".*\"hash\":\"([0-9a-f]{64})\".*", "$1");
    }
    assertThat(r).isEqualTo(25);
  }

  @Test
  void spacingAndMemberOrder_doNotMatter() throws Exception {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> lines = lines();
    List<String> pretty = new ArrayList<>();
    for (String line : lines) {
      var o = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(line);
      var reversed = mapper.createObjectNode();
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      for (int i = names.size() - 1; i >= 0; i--) {
        reversed.set(names.get(i), o.get(names.get(i)));
      }
      pretty.add(reversed.toString().replace(",", " ,  ").replace("\\u000b", "\\u000B"));
    }
    assertThat(verify(join(pretty)).problem()).isNull();
  }

  @Test
  void changedOperation_isTheFirstBadRevision() {
    List<String> lines = lines();
    lines.set(lineOf(7), lines.get(lineOf(7)).replace("\"operation\":[", "\"operation\":[1,"));
    assertFirstBad(verify(join(lines)), 7, "does not match its hash: it was changed");
  }

  @Test
  void changedAuthorWithItsHashRecomputed_isCaughtByTheNextRecordsChain() throws Exception {
    List<String> lines = lines();
    String forged = lines.get(lineOf(7)).replace("\"author\":\"", "\"author\":\"mallory-");
    String one =
        forged.replaceAll("\"hash\":\"[0-9a-f]+\"", "\"hash\":\"" + recordHash(forged) + "\"");
    lines.set(lineOf(7), one);
    assertFirstBad(verify(join(lines)), 7, "is not chained to the record before it");
  }

  private static String recordHash(String line) throws Exception {
    var o =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
    o.remove("hash");
    StringBuilder c = new StringBuilder();
    dev.quire.ot.codec.CanonicalJson.append(c, o);
    return HistoryFormat.sha256(c.toString());
  }

  @Test
  void changedTextWithTheWholeChainRecomputed_isCaughtByTheCheckpoint() throws Exception {
    List<String> lines = lines();
    // revision 1 inserts b and a vertical tab: make it x, same length, so everything still applies
    assertThat(lines.get(lineOf(1))).contains("\"b\\u000b\"");
    lines.set(lineOf(1), lines.get(lineOf(1)).replace("\"b\\u000b\"", "\"x\\u000b\""));
    HistoryVerifier.Result r = verify(HistoryFixtures.rechain(join(lines)));
    assertFirstBad(r, 1, "a revision from 1 to 10 was changed");
    assertThat(r.problem().getMessage()).contains("the checkpoint of revision 10");
  }

  @Test
  void removedRevision_isNamed() {
    List<String> lines = lines();
    lines.remove(lineOf(12));
    assertFirstBad(verify(join(lines)), 12, "revision 12 was removed");
  }

  @Test
  void reorderedRevisions_nameTheFirstOutOfPlace() {
    List<String> lines = lines();
    String five = lines.get(lineOf(5));
    lines.set(lineOf(5), lines.get(lineOf(6)));
    lines.set(lineOf(6), five);
    assertFirstBad(verify(join(lines)), 5, "holds revision 6 where revision 5 belongs");
  }

  @Test
  void addedRevision_isNamed() {
    List<String> lines = lines();
    lines.add(lineOf(5) + 1, lines.get(lineOf(5)));
    assertFirstBad(verify(join(lines)), 6, "holds revision 5 again after revision 5");
  }

  @Test
  void recordAfterTheEnd_isAdded() {
    List<String> lines = lines();
    lines.add(lines.get(lineOf(25)));
    assertFirstBad(verify(join(lines)), 26, "comes after the end record: it was added");
  }

  @Test
  void removedCheckpoint_isNamed() {
    List<String> lines = lines();
    lines.remove(lineOf(10) + 1);
    assertFirstBad(verify(join(lines)), 10, "whose checkpoint is missing");
  }

  @Test
  void truncatedFile_saysSo() {
    byte[] all = file.getBytes(StandardCharsets.UTF_8);
    HistoryVerifier.Result midLine = verify(Arrays.copyOf(all, all.length - 40), Set.of());
    assertThat(midLine.problem().getMessage())
        .contains("ends without a line break: the file is truncated");
    assertThat(midLine.verifiedUpTo()).isEqualTo(20);
    List<String> lines = lines();
    HistoryVerifier.Result atLine = verify(join(lines.subList(0, lineOf(23) + 1)));
    assertFirstBad(atLine, 24, "ends after revision 23 without its end record");
  }

  @Test
  void corruptedBytes_nameTheLine() {
    byte[] bytes = file.getBytes(StandardCharsets.UTF_8);
    int at = file.indexOf("\"type\":\"revision\"", file.indexOf("\"revision\":4,"));
    bytes[at] = (byte) 0xff;
    HistoryVerifier.Result r = verify(bytes, Set.of());
    assertThat(r.problem().getMessage())
        .startsWith("line " + (lineOf(4) + 1))
        .contains("not UTF-8");
    bytes[at] = '{';
    assertThat(verify(bytes, Set.of()).problem().getMessage())
        .startsWith("line " + (lineOf(4) + 1))
        .contains("is not a JSON record");
  }

  @Test
  void deepJson_isRefusedByTheParser() {
    List<String> lines = lines();
    lines.set(lineOf(3), "[".repeat(100_000) + "]".repeat(100_000));
    HistoryVerifier.Result r = verify(join(lines));
    assertThat(r.problem().getMessage()).startsWith("line 4: the record is not a JSON record");
    assertThat(r.problem().getMessage()).containsIgnoringCase("depth");
    assertThat(r.problem().revision()).isEqualTo(3);
  }

  @Test
  void giantLine_isRefusedBeforeItIsRead() {
    String giant = "{\"type\":\"revision\",\"x\":\"" + "a".repeat(5000) + "\"}";
    List<String> lines = lines();
    lines.set(lineOf(3), giant);
    byte[] bytes = join(lines).getBytes(StandardCharsets.UTF_8);
    try (HistoryReader reader = new HistoryReader(new ByteArrayInputStream(bytes), 1024)) {
      reader.next();
      reader.next();
      reader.next();
      org.assertj.core.api.Assertions.assertThatThrownBy(reader::next)
          .isInstanceOf(HistoryFileException.class)
          .hasMessage("line 4: the record is longer than 1024 bytes: refused without reading it");
    }
  }

  @Test
  void wrongHashShapes_andUnknownMembers_areRefused() {
    List<String> lines = lines();
    lines.set(
        lineOf(3), lines.get(lineOf(3)).replaceAll("\"hash\":\"[0-9a-f]+\"", "\"hash\":\"XYZ\""));
    assertThat(verify(join(lines)).problem().getMessage())
        .contains("needs 'hash' as 64 lower-case hex digits");
    lines = lines();
    lines.set(lineOf(3), lines.get(lineOf(3)).replace("{", "{\"extra\":1,"));
    assertThat(verify(join(lines)).problem().getMessage()).contains("unknown member 'extra'");
  }

  @Test
  void newerVersion_isNamed_andACiphertextChainToo() {
    List<String> lines = lines();
    lines.set(0, lines.get(0).replace("\"version\":3", "\"version\":5"));
    assertThat(verify(join(lines)).problem().getMessage())
        .isEqualTo(
            "line 1: the record has format version 5; this Quire reads versions 1 to 3 (the file"
                + " is from a newer Quire)");
    lines.set(0, lines.get(0).replace("\"version\":5", "\"version\":4"));
    assertThat(verify(join(lines)).problem().getMessage())
        .startsWith("line 1: the record is the header of an encrypted document's ciphertext chain");
  }

  @Test
  void notesOrASentOperation_inAVersion2File_areRefused_namingTheRecord() throws Exception {
    List<String> v2 = new ArrayList<>();
    for (String line : lines()) {
      v2.add(line.replace("\"version\":3", "\"version\":2"));
    }
    assertThat(verify(HistoryFixtures.rechain(join(v2))).problem()).isNull();
    v2.set(
        lineOf(3),
        v2.get(lineOf(3)).replace("{", "{\"notes\":[{\"kind\":\"delete\",\"id\":\"x\"}],"));
    assertThat(verify(HistoryFixtures.rechain(join(v2))).problem().getMessage())
        .contains("revision 3")
        .contains("has 'sent' or 'notes', which version 1 and 2 records do not");
  }

  @Test
  void aVersion1File_withoutMadeAt_stillVerifies_andItsAuthorsTimeIsTheRelays() throws Exception {
    List<String> v1 = new ArrayList<>();
    for (String line : lines()) {
      v1.add(line.replace("\"version\":3", "\"version\":1").replaceAll("\"madeAt\":\\d+,", ""));
    }
    String file1 = HistoryFixtures.rechain(join(v1));
    assertThat(file1).doesNotContain("madeAt");
    List<RevisionRecord> read = new ArrayList<>();
    HistoryVerifier.Result r =
        new HistoryVerifier(Set.of())
            .verify(
                new ByteArrayInputStream(file1.getBytes(StandardCharsets.UTF_8)),
                new HistoryVerifier.Listener() {
                  @Override
                  public void revision(RevisionRecord rec, dev.quire.ot.text.GapBuffer text) {
                    read.add(rec);
                  }
                });
    assertThat(r.problem()).isNull();
    assertThat(r.header().version()).isEqualTo(1);
    assertThat(read).hasSize(25).allMatch(rec -> rec.madeAtMillis() == rec.timeMillis());

    List<String> mixed = new ArrayList<>(Arrays.asList(file1.split("\n")));
    mixed.set(lineOf(3), lines().get(lineOf(3))); // a version 2 record in a version 1 file
    assertThat(verify(join(mixed)).problem().getMessage())
        .contains("has 'madeAt', which version 1 records do not");
  }

  @Test
  void madeAt_isWrittenAndCoveredByTheHash() {
    List<String> lines = lines();
    assertThat(lines.get(lineOf(4))).contains("\"madeAt\":" + revisions.get(3).madeAtMillis());
    lines.set(lineOf(4), lines.get(lineOf(4)).replace("\"madeAt\":", "\"madeAt\":1"));
    assertFirstBad(verify(join(lines)), 4, "does not match its hash: it was changed");
  }

  @Test
  void signedHistory_verifiesWithItsKey_andRefusesOthers() {
    Signatures.Signer alice = Signatures.Signer.generate();
    Signatures.Signer other = Signatures.Signer.generate();
    String signed = HistoryFixtures.write(revisions, 10, alice);
    byte[] bytes = signed.getBytes(StandardCharsets.UTF_8);

    HistoryVerifier.Result ok = verify(bytes, Set.of(alice.publicKey()));
    assertThat(ok.problem()).isNull();
    assertThat(ok.signers()).containsExactly(Signatures.fingerprint(alice.publicKey()));

    assertFirstBad(
        verify(bytes, Set.of(other.publicKey())), 1, "which is not one of the trusted keys");

    String unsignedEnd = signed.replaceAll(",\"signatures\":\\[[^\\]]*\\]", "");
    assertFirstBad(
        verify(unsignedEnd.getBytes(StandardCharsets.UTF_8), Set.of(alice.publicKey())),
        21,
        "has no signature by a trusted key");

    // A signature copied from another checkpoint signs another hash.
    List<String> lines = new ArrayList<>(Arrays.asList(signed.split("\n")));
    String sig10 = lines.get(lineOf(10) + 1).replaceAll(".*(\"signatures\":\\[[^\\]]*\\]).*", "$1");
    int cp20 = lineOf(20) + 1;
    lines.set(cp20, lines.get(cp20).replaceAll("\"signatures\":\\[[^\\]]*\\]", sig10));
    assertFirstBad(verify(join(lines)), 11, "that does not verify");
  }

  @Test
  void keysRoundTripThroughPem() throws Exception {
    Signatures.Signer s = Signatures.Signer.generate();
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("keys");
    java.nio.file.Path priv = java.nio.file.Files.writeString(dir.resolve("k.pem"), s.privatePem());
    java.nio.file.Path pub = java.nio.file.Files.writeString(dir.resolve("k.pub"), s.publicPem());
    Signatures.Signer back = Signatures.Signer.read(priv);
    assertThat(back.publicKey()).isEqualTo(s.publicKey());
    assertThat(Signatures.readPublicKey(pub)).isEqualTo(s.publicKey());
    assertThat(Signatures.verify(back.sign("ab"), "ab")).isTrue();
    assertThat(Signatures.verify(back.sign("ab"), "ac")).isFalse();
  }
}
