package dev.farewell.sample;

import dev.farewell.Release;
import dev.farewell.ReleaseAction;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The release action that ends the login at the legacy SSO server: {@code POST
 * /legacy-sso/logout} with the login's ticket (the demo serves that endpoint itself).
 */
final class LegacySsoLogout implements ReleaseAction {

  private final OkHttpClient client = new OkHttpClient();
  private final Supplier<String> baseUrl;

  private LegacySsoLogout(Supplier<String> baseUrl) {
    this.baseUrl = baseUrl;
  }

  static ReleaseAction create(Supplier<String> baseUrl) {
    return new LegacySsoLogout(baseUrl);
  }

  @Override
  public CompletionStage<?> run(Release release) {
    String ticket = release.attributes().get(Login.TICKET_ATTRIBUTE);
    if (ticket == null) {
      return CompletableFuture.completedFuture(null);
    }
    Request request =
        new Request.Builder()
            .url(baseUrl.get() + "legacy-sso/logout")
            .post(new FormBody.Builder().add("ticket", ticket).build())
            .build();
    CompletableFuture<Void> done = new CompletableFuture<>();
    client
        .newCall(request)
        .enqueue(
            new Callback() {
              @Override
              public void onFailure(Call call, IOException e) {
                done.completeExceptionally(e);
              }

              @Override
              public void onResponse(Call call, Response response) {
                try (response) {
                  if (response.isSuccessful()) {
                    done.complete(null);
                  } else {
                    done.completeExceptionally(
                        new IOException("legacy SSO logout answered " + response.code()));
                  }
                }
              }
            });
    return done;
  }
}
