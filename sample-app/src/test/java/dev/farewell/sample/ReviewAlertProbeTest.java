package dev.farewell.sample;

import static dev.farewell.sample.BrowserFixture.HEARTBEAT_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.browser.ChromiumTab;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Review probe for issue 15, defect 2b in real Chromium. */
class ReviewAlertProbeTest {

  // Defect (issue 15 items 1 and 2b, not fixed): the snippet's worker only ticks; the beat is
  // sent from the main thread, which alert() blocks. A visible page showing an alert() for twice
  // the heartbeat timeout (8 s at the fixture's 1 s beats, 4 s timeout) stops beating, and its
  // armed fetchLater exit (3 beats) fires: the server releases the live, visible page.
  @Test
  void aVisiblePageShowingAnAlertForTwiceTheHeartbeatTimeoutKeepsItsSession() throws Exception {
    try (BrowserFixture f = BrowserFixture.start()) {
      ChromiumTab tab = (ChromiumTab) f.logIn("alice");
      tab.devTools().send("Page.enable");
      tab.evaluate("setTimeout(() => alert('still here'), 0); true");
      try {
        Thread.sleep(HEARTBEAT_TIMEOUT.multipliedBy(2).toMillis());
        assertThat(f.releasesOf("alice"))
            .as("releases of alice while her visible page showed an alert()")
            .isEmpty();
      } finally {
        tab.devTools().send("Page.handleJavaScriptDialog", Map.of("accept", true));
      }
    }
  }
}
