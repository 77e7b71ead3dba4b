package dev.farewell.servlet;

import dev.farewell.Farewell;
import dev.farewell.ReleaseAction;
import dev.farewell.beacon.OriginPolicy;
import dev.farewell.beacon.PageTokens;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drop-in for WAR applications: with farewell-servlet in {@code WEB-INF/lib} and a secret
 * configured, the container runs this initializer (listed in {@code
 * META-INF/services/jakarta.servlet.ServletContainerInitializer}) when the application starts, and
 * it wires Farewell with no code in the application: the engine, the endpoint and the {@link
 * HttpSessionBridge} ({@link FarewellServlet#register}), {@link
 * HttpSessionBridge#invalidateOnRelease()} so that a closed tab ends the {@code HttpSession}, the
 * {@link ScriptInjectionFilter} that puts the tag into pages, and a listener that closes the engine
 * with the context.
 *
 * <p><b>Off unless configured</b>: without {@code farewell.secret} it does nothing, so adding the
 * jar changes no application by surprise; nor does it when {@code farewell.enabled} is {@code
 * false}, or when the application registered Farewell itself first. Every setting is read as a
 * system property, an environment variable or a context parameter ({@code docs/zero-code.md}
 * lists them); a setting that cannot be read stops the application's start with a message that
 * names it.
 *
 * <p>Containers create it; applications do not call it.
 */
public final class FarewellInitializer implements ServletContainerInitializer {

  private static final Logger logger = LoggerFactory.getLogger(FarewellInitializer.class);

  /** Set on a context where the drop-in registered Farewell, for {@link FarewellServlet#register}. */
  static final String DROP_IN_ATTRIBUTE = "dev.farewell.servlet.dropIn";

  /** Called by the container; not by applications. */
  public FarewellInitializer() {}

  @Override
  public void onStartup(Set<Class<?>> classes, ServletContext context) {
    DropInSettings settings = DropInSettings.of(context);
    String name = context.getContextPath().isEmpty() ? "/" : context.getContextPath();
    if (settings.get("farewell.secret").isEmpty()) {
      logger.debug("Farewell drop-in is off in {}: no farewell.secret", name);
      return;
    }
    if (!settings.bool("farewell.enabled").orElse(true)) {
      logger.info("Farewell drop-in is off in {}: farewell.enabled is false ({})", name,
          settings.source("farewell.enabled"));
      return;
    }
    if (context.getAttribute(FarewellServlet.CONTEXT_ATTRIBUTE) != null
        || context.getServletRegistration("farewell") != null) {
      logger.info("Farewell drop-in is off in {}: the application registered Farewell itself",
          name);
      return;
    }
    HttpSessionBridge bridge = HttpSessionBridge.create();
    Farewell farewell = engine(settings, bridge);
    try {
      FarewellServlet servlet = servlet(settings, farewell, bridge);
      servlet.register(context);
      context.setAttribute(DROP_IN_ATTRIBUTE, Boolean.TRUE);
      settings.list("farewell.sessionAttributes")
          .ifPresent(names -> context.setAttribute(CopiedAttributes.NAMES, List.copyOf(names)));
      if (settings.bool("farewell.inject").orElse(true)) {
        ScriptInjectionFilter.Builder filter = ScriptInjectionFilter.newBuilder(servlet);
        try {
          settings.list("farewell.injectInclude")
              .ifPresent(patterns -> filter.include(patterns.toArray(String[]::new)));
          settings.list("farewell.injectExclude")
              .ifPresent(patterns -> filter.exclude(patterns.toArray(String[]::new)));
          settings.list("farewell.sessionAttributes")
              .ifPresent(names -> filter.sessionAttributes(names.toArray(String[]::new)));
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException("Farewell drop-in: " + e.getMessage()
              + " (farewell.injectInclude or farewell.injectExclude)", e);
        }
        filter.build().register(context);
      }
      context.addListener(new ServletContextListener() {
        @Override
        public void contextDestroyed(ServletContextEvent event) {
          farewell.close();
        }
      });
      logger.info("Farewell drop-in is on in {}: {}{}/*", name, context.getContextPath(),
          servlet.basePath());
    } catch (RuntimeException e) {
      farewell.close();
      throw e;
    }
  }

  private static Farewell engine(DropInSettings settings, HttpSessionBridge bridge) {
    Farewell.Builder engine = Farewell.newBuilder();
    settings.duration("farewell.heartbeatInterval").ifPresent(engine::heartbeatInterval);
    settings.duration("farewell.heartbeatTimeout").ifPresent(engine::heartbeatTimeout);
    settings.duration("farewell.hiddenTimeout").ifPresent(engine::hiddenTimeout);
    settings.duration("farewell.exitGrace").ifPresent(engine::exitGrace);
    settings.duration("farewell.navigationGrace").ifPresent(engine::navigationGrace);
    settings.duration("farewell.openTimeout").ifPresent(engine::openTimeout);
    settings.number("farewell.maximumSessions").ifPresent(engine::maximumSessions);
    if (settings.bool("farewell.invalidateOnRelease").orElse(true)) {
      engine.releaseAction(bridge.invalidateOnRelease());
    }
    if (settings.get("farewell.logoutUrl").isPresent()) {
      engine.releaseAction(logoutCall(settings));
    }
    try {
      return engine.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalStateException("Farewell drop-in: " + e.getMessage()
          + " (check the farewell.* timeouts)", e);
    }
  }

  /** The call of {@code farewell.logoutUrl}, through farewell-okhttp, which must be there. */
  private static ReleaseAction logoutCall(DropInSettings settings) {
    try {
      Class.forName("dev.farewell.okhttp.HttpReleaseAction", false,
          FarewellInitializer.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException("Farewell drop-in: farewell.logoutUrl ("
          + settings.source("farewell.logoutUrl") + ") needs farewell-okhttp and OkHttp next to"
          + " farewell-servlet", e);
    }
    try {
      return LogoutCall.of(settings);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalStateException("Farewell drop-in: " + e.getMessage()
          + " (check farewell.logoutUrl, farewell.logoutMethod and the logout body)", e);
    }
  }

  private static FarewellServlet servlet(
      DropInSettings settings, Farewell farewell, HttpSessionBridge bridge) {
    PageTokens.Builder tokens = PageTokens.newBuilder();
    settings.secret("farewell.secret").ifPresent(tokens::secret);
    settings.secret("farewell.previousSecret").ifPresent(tokens::previousSecret);
    FarewellServlet.Builder servlet = FarewellServlet.newBuilder(farewell)
        .pageTokens(tokens.build())
        .httpSessionBridge(bridge);
    try {
      settings.string("farewell.basePath").ifPresent(servlet::basePath);
      settings.list("farewell.allowedOrigins")
          .ifPresent(origins -> servlet.originPolicy(OriginPolicy.allowing(origins)));
      settings.bool("farewell.cookieMode").ifPresent(servlet::cookieMode);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("Farewell drop-in: " + e.getMessage(), e);
    }
    return servlet.build();
  }
}
