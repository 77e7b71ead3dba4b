package dev.farewell.servlet;

import dev.farewell.ReleaseAction;
import dev.farewell.ReleaseReason;
import dev.farewell.okhttp.HttpReleaseAction;
import java.util.concurrent.CompletableFuture;

/**
 * The drop-in's {@code farewell.logoutUrl}: an {@link HttpReleaseAction} (an identity server's
 * logout) run when a session is released for {@code EXIT} or {@code TIMEOUT}, as the {@code
 * HttpSession}'s invalidation is; a logout by the application ({@code EXPLICIT}) and a shutdown
 * call nothing. Only loaded when farewell-okhttp is on the class path.
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
    ReleaseAction onLeave = release ->
        release.reason() == ReleaseReason.EXIT || release.reason() == ReleaseReason.TIMEOUT
            ? action.run(release)
            : CompletableFuture.completedFuture(null);
    return onLeave.withRetryPolicy(action.retryPolicy());
  }
}
