package dev.farewell.servlet;

import dev.farewell.ReleaseAction;
import dev.farewell.ReleaseReason;
import dev.farewell.okhttp.HttpReleaseAction;
import java.util.concurrent.CompletableFuture;

/**
 * The drop-in's {@code farewell.logoutUrl}: an {@link HttpReleaseAction} (an identity server's
 * logout) run when a session is released for {@code EXIT} or {@code TIMEOUT}, as the {@code
 * HttpSession}'s invalidation is; a logout by the application ({@code EXPLICIT}), a shutdown and a
 * session without the attributes the templates name call nothing. Only loaded when farewell-okhttp
 * is on the class path.
 */
final class LogoutCall {

  private LogoutCall() {}

  static ReleaseAction of(DropInSettings settings) {
    HttpReleaseAction.Builder call = HttpReleaseAction.newBuilder()
        .url(settings.string("farewell.logoutUrl").orElseThrow());
    settings.string("farewell.logoutMethod").ifPresent(call::method);
    settings.string("farewell.logoutFormBody").ifPresent(call::formBody);
    settings.string("farewell.logoutJsonBody").ifPresent(call::jsonBody);
    settings.duration("farewell.logoutTimeout").ifPresent(call::callTimeout);
    HttpReleaseAction action = call.build();
    ReleaseAction onLeave = release -> {
      if (release.reason() != ReleaseReason.EXIT && release.reason() != ReleaseReason.TIMEOUT) {
        return CompletableFuture.completedFuture(null);
      }
      try {
        return action.run(release);
      } catch (IllegalArgumentException missingAttribute) {
        // A session without the attributes the templates name (one that never logged in, or whose
        // application logged it out of the identity server itself): nothing to call.
        return CompletableFuture.completedFuture(null);
      }
    };
    return onLeave.withRetryPolicy(action.retryPolicy());
  }
}
