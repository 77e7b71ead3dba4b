package com.example.seats;

import dev.farewell.Farewell;
import dev.farewell.beacon.PageTokens;
import dev.farewell.servlet.FarewellServlet;
import dev.farewell.servlet.HttpSessionBridge;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Starts Farewell when the servlet context starts, and closes it when the context stops. */
public final class FarewellSetup implements ServletContainerInitializer, ServletContextListener {
  private final Seats seats;
  private Farewell farewell;

  public FarewellSetup(Seats seats) {
    this.seats = seats;
  }

  @Override
  public void onStartup(Set<Class<?>> classes, ServletContext context) {
    // At least 32 bytes, the same on every node: head -c 32 /dev/urandom | base64
    String secret = System.getenv("FAREWELL_TOKEN_SECRET");
    if (secret == null) {
      throw new IllegalStateException("set FAREWELL_TOKEN_SECRET (at least 32 characters)");
    }
    HttpSessionBridge httpSessions = HttpSessionBridge.create();
    farewell = Farewell.newBuilder()
        .onRelease(release -> seats.free(release.attributes().get("user")))  // given at login
        .releaseAction(httpSessions.invalidateOnRelease())   // the HttpSession ends with the tab
        .build();
    FarewellServlet farewellServlet = FarewellServlet.newBuilder(farewell)
        .pageTokens(PageTokens.newBuilder()
            .secret(secret.getBytes(StandardCharsets.UTF_8))
            .build())
        .httpSessionBridge(httpSessions)
        .build();
    farewellServlet.register(context);   // the endpoint and the HttpSession listener
    context.addListener(this);           // for contextDestroyed
  }

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    farewell.close();   // the container has stopped taking requests
  }
}
