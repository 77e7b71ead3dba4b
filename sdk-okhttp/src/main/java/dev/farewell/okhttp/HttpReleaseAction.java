package dev.farewell.okhttp;

import static java.util.Objects.requireNonNull;

import dev.farewell.Release;
import dev.farewell.ReleaseAction;
import dev.farewell.RetryPolicy;
import dev.farewell.RetryableReleaseException;
import java.io.IOException;
import java.net.ProtocolException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A {@link ReleaseAction} that makes one HTTP call per release, such as an identity server's
 * logout: method, URL, headers and body are templates filled from the release.
 *
 * <pre>{@code
 * HttpReleaseAction logout = HttpReleaseAction.newBuilder()
 *     .url("https://sso.example.com/logout?ticket=${attributes.ticket}")
 *     .header("Authorization", "Bearer ${attributes.token}")
 *     .build();
 * Farewell farewell = Farewell.newBuilder().releaseAction(logout).build();
 * }</pre>
 *
 * <p>Templates take {@code ${sessionKey}}, {@code ${reason}}, {@code ${releasedAt}} (ISO-8601),
 * {@code ${idempotencyKey}} and {@code ${attributes.NAME}} (an attribute the application gave when
 * it tracked the session; a release without it fails at once). Values are percent-encoded in the
 * URL, JSON-escaped in a {@linkplain Builder#jsonBody JSON body}, form-encoded in a {@linkplain
 * Builder#formBody form body}, and put as they are in headers.
 *
 * <p>The call is asynchronous (OkHttp's {@code enqueue}): no thread waits for the answer. Redirects
 * are followed, to other hosts too (a logout URL that answers 302 to another domain is what breaks
 * a browser's XHR). A 2xx answer (after redirects) succeeds. A refused connection, a timeout, a 5xx
 * or a 429 fails with a {@link RetryableReleaseException} (carrying {@code Retry-After}, in seconds
 * or as an HTTP date, when the server sent one), which the release pipeline retries under {@link
 * #retryPolicy()}; any other status fails at once with an {@link HttpStatusException}. Every
 * attempt for one release carries the same {@code Idempotency-Key} header, the release's {@link
 * Release#releaseId()}, so the server can tell a retry, or a second run after a node died (with a
 * store shared by several nodes), from a new logout.
 *
 * <p>Instances are immutable and thread-safe. Actions built without {@link Builder#client} share
 * one {@link OkHttpClient} (its connection pool and threads).
 */
public final class HttpReleaseAction implements ReleaseAction {
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Set<String> METHODS_WITHOUT_BODY = Set.of("GET", "HEAD");
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final MediaType FORM =
      MediaType.get("application/x-www-form-urlencoded; charset=utf-8");

  private final OkHttpClient client;
  private final String method;
  private final Template url;
  private final String urlForHumans;
  private final List<String> headerNames;
  private final List<Template> headerValues;
  private final Template body;
  private final MediaType bodyType;
  private final UnaryOperator<String> bodyEncoding;
  private final String idempotencyKeyHeader;
  private final RetryPolicy retryPolicy;
  private final Duration callTimeout;

  private HttpReleaseAction(Builder builder) {
    this.client =
        builder.client.newBuilder()
            .followRedirects(true)
            .followSslRedirects(true)
            .callTimeout(builder.callTimeout)
            .build();
    this.url = builder.url;
    this.urlForHumans = withoutQuery(builder.urlText);
    this.headerNames = List.copyOf(builder.headerNames);
    this.headerValues = List.copyOf(builder.headerValues);
    this.body = builder.body;
    this.bodyType = builder.bodyType;
    this.bodyEncoding = builder.bodyEncoding;
    this.method =
        (builder.method != null) ? builder.method : (builder.body != null ? "POST" : "GET");
    this.idempotencyKeyHeader = builder.idempotencyKeyHeader;
    this.retryPolicy = builder.retryPolicy;
    this.callTimeout = builder.callTimeout;
  }

  /** Returns a builder; {@link Builder#url} is required, everything else has a default. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Starts the call for {@code release} and returns at once.
   *
   * @return a future completed when a 2xx answer arrives, or exceptionally with a {@link
   *     RetryableReleaseException} or an {@link HttpStatusException}; cancelling it cancels the
   *     call
   * @throws IllegalArgumentException if the release lacks an attribute a template needs, or a
   *     header value holds characters HTTP forbids
   */
  @Override
  public CompletableFuture<Void> run(Release release) {
    requireNonNull(release, "release");
    Request request = request(release);
    Call call = client.newCall(request);
    CompletableFuture<Void> result = new CompletableFuture<>();
    result.whenComplete(
        (ignored, error) -> {
          if (result.isCancelled()) {
            call.cancel();
          }
        });
    call.enqueue(
        new Callback() {
          @Override
          public void onFailure(Call failed, IOException e) {
            if (e instanceof ProtocolException) {
              // Too many redirects and other protocol breaches do not heal by retrying.
              result.completeExceptionally(e);
            } else {
              result.completeExceptionally(
                  new RetryableReleaseException(
                      method + " " + urlForHumans + " failed: " + e, e));
            }
          }

          @Override
          public void onResponse(Call answered, Response response) {
            try (response) {
              Exception failure = answer(response);
              if (failure == null) {
                result.complete(null);
              } else {
                result.completeExceptionally(failure);
              }
            } catch (RuntimeException bug) {
              result.completeExceptionally(bug);
            }
          }
        });
    return result;
  }

  /** What a final response means: null for success, else the failure to complete with. */
  private Exception answer(Response response) {
    int code = response.code();
    if (code >= 200 && code < 300) {
      return null;
    }
    HttpStatusException status =
        new HttpStatusException(code, method, withoutQuery(response.request().url().toString()));
    if (code == 429 || code >= 500) {
      Duration retryAfter = RetryAfter.parse(response.headers(), Instant.now());
      return (retryAfter == null)
          ? new RetryableReleaseException(status.getMessage(), status)
          : new RetryableReleaseException(
              status.getMessage() + ", Retry-After " + retryAfter, status, retryAfter);
    }
    return status;
  }

  Request request(Release release) {
    String idempotencyKey = idempotencyKey(release);
    HttpUrl target = HttpUrl.parse(url.render(release, idempotencyKey, Encoding::url));
    if (target == null) {
      throw new IllegalArgumentException(
          "url template made an invalid URL for session " + release.sessionKey());
    }
    Request.Builder request = new Request.Builder().url(target);
    for (int i = 0; i < headerNames.size(); i++) {
      request.addHeader(
          headerNames.get(i), headerValues.get(i).render(release, idempotencyKey, Encoding::header));
    }
    if (idempotencyKeyHeader != null) {
      request.header(idempotencyKeyHeader, idempotencyKey);
    }
    RequestBody requestBody = null;
    if (body != null) {
      requestBody = RequestBody.create(body.render(release, idempotencyKey, bodyEncoding), bodyType);
    } else if (!METHODS_WITHOUT_BODY.contains(method)) {
      requestBody = RequestBody.create(new byte[0], null);
    }
    return request.method(method, requestBody).build();
  }

  /**
   * The idempotency key of a release: its {@link Release#releaseId()}, the same for every attempt
   * and every run (on every node) of one release, different for the next release of the same key.
   */
  public static String idempotencyKey(Release release) {
    return release.releaseId();
  }

  private static String withoutQuery(String url) {
    int cut = url.indexOf('?');
    return (cut < 0) ? url : url.substring(0, cut);
  }

  /** The retry policy given to the builder; the release pipeline applies it. */
  @Override
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /** The timeout of each attempt, redirects included. */
  public Duration callTimeout() {
    return callTimeout;
  }

  /** Method and URL template without its query, for logs. */
  @Override
  public String toString() {
    return "HttpReleaseAction[" + method + " " + urlForHumans + "]";
  }

  /**
   * Builds an {@link HttpReleaseAction}. Every setter checks its argument at once; single-valued
   * settings may be set once. Not thread-safe.
   */
  public static final class Builder {
    private static final class SharedClient {
      static final OkHttpClient INSTANCE = new OkHttpClient();
    }

    private OkHttpClient client;
    private String method;
    private Template url;
    private String urlText;
    private final List<String> headerNames = new ArrayList<>();
    private final List<Template> headerValues = new ArrayList<>();
    private Template body;
    private MediaType bodyType;
    private UnaryOperator<String> bodyEncoding;
    private String idempotencyKeyHeader = "Idempotency-Key";
    private boolean idempotencyKeyHeaderSet;
    private RetryPolicy retryPolicy;
    private Duration callTimeout;

    private Builder() {}

    /**
     * The URL template, an absolute http or https URL; values put in it are percent-encoded.
     * Required.
     *
     * @throws IllegalArgumentException if it is not an http(s) URL or names an unknown variable
     * @throws IllegalStateException if set twice
     */
    public Builder url(String template) {
      requireNonNull(template, "url");
      if (url != null) {
        throw new IllegalStateException("url was already set");
      }
      Template parsed = Template.parse("url", template);
      if (HttpUrl.parse(parsed.sample()) == null) {
        throw new IllegalArgumentException("url must be an absolute http or https URL, was " + template);
      }
      this.url = parsed;
      this.urlText = template;
      return this;
    }

    /**
     * The HTTP method. Default: {@code POST} with a body, {@code GET} without.
     *
     * @throws IllegalArgumentException if it is not a token
     * @throws IllegalStateException if set twice
     */
    public Builder method(String method) {
      requireNonNull(method, "method");
      if (this.method != null) {
        throw new IllegalStateException("method was already set");
      }
      if (!HEADER_NAME.matcher(method).matches()) {
        throw new IllegalArgumentException("method must be an HTTP token, was '" + method + "'");
      }
      this.method = method.toUpperCase(Locale.ROOT);
      return this;
    }

    /**
     * Adds a header whose value is a template (values put in as they are; a value with a line
     * break fails the release). May be called for several headers.
     *
     * @throws IllegalArgumentException if the name is not a token or the template is invalid
     */
    public Builder header(String name, String valueTemplate) {
      requireNonNull(name, "name");
      requireNonNull(valueTemplate, "valueTemplate");
      if (!HEADER_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("header name must be an HTTP token, was '" + name + "'");
      }
      headerNames.add(name);
      headerValues.add(Template.parse("header " + name, valueTemplate));
      return this;
    }

    /**
     * A JSON body ({@code application/json}); values put in it are JSON-escaped, so the template
     * writes the quotes: {@code {"ticket":"${attributes.ticket}"}}.
     *
     * @throws IllegalStateException if a body was already set
     */
    public Builder jsonBody(String template) {
      return body(template, JSON, Encoding::json);
    }

    /**
     * A form body ({@code application/x-www-form-urlencoded}); values put in it are form-encoded:
     * {@code ticket=${attributes.ticket}&reason=${reason}}.
     *
     * @throws IllegalStateException if a body was already set
     */
    public Builder formBody(String template) {
      return body(template, FORM, Encoding::form);
    }

    private Builder body(String template, MediaType type, UnaryOperator<String> encoding) {
      requireNonNull(template, "body");
      if (body != null) {
        throw new IllegalStateException("a body was already set");
      }
      this.body = Template.parse("body", template);
      this.bodyType = type;
      this.bodyEncoding = encoding;
      return this;
    }

    /**
     * The client to derive this action's client from (sharing its connection pool and
     * dispatcher); redirects are turned on and the call timeout set on the derived client. Default:
     * one client shared by all actions built without one.
     *
     * @throws IllegalStateException if set twice
     */
    public Builder client(OkHttpClient client) {
      requireNonNull(client, "client");
      if (this.client != null) {
        throw new IllegalStateException("client was already set");
      }
      this.client = client;
      return this;
    }

    /**
     * The timeout of each attempt, from connecting to reading the whole answer, redirects
     * included. Default 10 s.
     *
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if set twice
     */
    public Builder callTimeout(Duration timeout) {
      requireNonNull(timeout, "callTimeout");
      if (callTimeout != null) {
        throw new IllegalStateException("callTimeout was already set");
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("callTimeout must be > 0, was " + timeout);
      }
      this.callTimeout = timeout;
      return this;
    }

    /**
     * How failed attempts are retried. Default: 5 attempts within 1 minute, backoff from 500 ms
     * doubling up to 30 s, jitter 0.2. {@link RetryPolicy#none()} for no retry.
     *
     * @throws IllegalStateException if set twice
     */
    public Builder retryPolicy(RetryPolicy policy) {
      requireNonNull(policy, "retryPolicy");
      if (retryPolicy != null) {
        throw new IllegalStateException("retryPolicy was already set");
      }
      this.retryPolicy = policy;
      return this;
    }

    /**
     * The header that carries the release's idempotency key; null to send none. Default {@code
     * Idempotency-Key}.
     *
     * @throws IllegalArgumentException if the name is not a token
     * @throws IllegalStateException if set twice
     */
    public Builder idempotencyKeyHeader(String name) {
      if (idempotencyKeyHeaderSet) {
        throw new IllegalStateException("idempotencyKeyHeader was already set");
      }
      if (name != null && !HEADER_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("header name must be an HTTP token, was '" + name + "'");
      }
      this.idempotencyKeyHeaderSet = true;
      this.idempotencyKeyHeader = name;
      return this;
    }

    /**
     * Builds the action.
     *
     * @throws IllegalStateException if no URL was set, or a body was set on GET or HEAD
     */
    public HttpReleaseAction build() {
      if (url == null) {
        throw new IllegalStateException("url is required");
      }
      if (body != null && method != null && METHODS_WITHOUT_BODY.contains(method)) {
        throw new IllegalStateException(method + " cannot carry a body");
      }
      if (client == null) {
        client = SharedClient.INSTANCE;
      }
      if (callTimeout == null) {
        callTimeout = Duration.ofSeconds(10);
      }
      if (retryPolicy == null) {
        retryPolicy = RetryPolicy.newBuilder().maxTotalTime(Duration.ofMinutes(1)).build();
      }
      return new HttpReleaseAction(this);
    }
  }
}
