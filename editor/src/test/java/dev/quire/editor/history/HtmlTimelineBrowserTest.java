package dev.quire.editor.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.cli.QuireCli;
import dev.quire.editor.store.LocalStore;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML timeline in a real browser: headless Chromium (Debian's {@code chromium}) parses the
 * exported page and takes a screenshot of it. Skipped when Chromium is not installed. With {@code
 * -Dquire.screenshots=DIR} the screenshot is kept as {@code DIR/history-timeline.png}.
 */
@Tag("slow")
class HtmlTimelineBrowserTest {
  @TempDir Path dir;

  private static String chromium() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        if (Files.isExecutable(Path.of(d, name))) {
          return Path.of(d, name).toString();
        }
      }
    }
    return null;
  }

  private String browse(String chromium, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--user-data-dir=" + dir.resolve("chromium")));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void theTimeline_rendersInChromium() throws Exception {
    String chromium = chromium();
    Assumptions.assumeTrue(chromium != null, "chromium is not installed");
    Path profile = dir.resolve("profile");
    try (LocalStore store = LocalStore.open(profile)) {
      TimelineSample.write(store, "trip");
    }
    Files.writeString(
        profile.resolve("editor.properties"),
        "person.alice=#c2410c Alice\nperson.bob=#1d4ed8 Bob\n",
        StandardCharsets.ISO_8859_1);
    Path html = dir.resolve("trip.html");
    assertThat(
            QuireCli.commandLine()
                .execute(
                    "export", "--profile", profile.toString(), "trip", "--html", html.toString()))
        .isZero();

    String dom = browse(chromium, "--dump-dom", html.toUri().toString());
    assertThat(dom).contains("<h1>Trip to Lisbon</h1>");
    assertThat(dom.split("<li class=\"session\"", -1)).hasSize(5 + 1);
    assertThat(dom).contains("<del> the camera \ud83d\udcf7,</del>");
    assertThat(dom).contains("&lt;confirmed&gt;");
    assertThat(dom)
        .contains("<span class=\"author\">Alice</span> named version \u201cfirst draft\u201d")
        .contains("<span class=\"author\">Bob</span> replied to a comment: \u201cFine by me")
        .contains("<span class=\"author\">Bob</span> resolved a comment")
        .contains("<span class=\"author\">Bob</span> named version \u201csent to Carla\u201d")
        .contains(
            "<span class=\"author\">Alice</span> removed the name \u201cfirst draft\u201d of"
                + " revision");
    assertThat(dom)
        .as("the comment's markup is text in the page, never a script that runs")
        .contains(
            "<span class=\"author\">Alice</span> commented \u201cToo early?"
                + " &lt;script&gt;document.title='run'&lt;/script&gt;\u201d")
        .doesNotContain("<script")
        .contains("<title>Trip to Lisbon \u2014 history</title>");
    assertThat(dom).as("notes in their author's colour").contains("style=\"--c:#1d4ed8\"");

    Path png = dir.resolve("history-timeline.png");
    browse(chromium, "--screenshot=" + png, "--window-size=1200,900", html.toUri().toString());
    assertThat(png).exists();
    assertThat(Files.size(png)).isGreaterThan(20_000);
    String keep = System.getProperty("quire.screenshots");
    if (keep != null) {
      Files.copy(
          png, Path.of(keep).resolve("history-timeline.png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
