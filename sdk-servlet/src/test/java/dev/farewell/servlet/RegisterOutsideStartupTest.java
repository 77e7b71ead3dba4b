package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.farewell.Farewell;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FarewellServlet#register} called where the container refuses it fails with a message
 * that says where to call it, in real Jetty 12 and Tomcat 11, and registers nothing.
 */
class RegisterOutsideStartupTest {

  private final Farewell farewell = Farewell.newBuilder().build();
  private final FarewellServlet servlet = FarewellServlet.newBuilder(farewell).build();

  @AfterEach
  void close() {
    farewell.close();
  }

  @Test
  void registerBeforeJettyStartsSaysToCallItFromAnInitializerAndRegistersNothing() {
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);

    assertThatThrownBy(() -> servlet.register(context.getServletContext()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("FarewellServlet.register(servletContext) must be called while the"
            + " servlet context initializes: from ServletContainerInitializer.onStartup")
        .hasMessageContaining("docs/getting-started.md");
    assertThat(context.getServletHandler().getServlet("farewell")).isNull();
  }

  @Test
  void registerAfterJettyStartedSaysToCallItFromAnInitializer() throws Exception {
    AtomicReference<ServletContext> started = new AtomicReference<>();
    try (JettyContainer jetty = new JettyContainer()) {
      jetty.start((classes, context) -> started.set(context));

      assertThatThrownBy(() -> servlet.register(started.get()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("must be called while the servlet context initializes");
    }
  }

  @Test
  void registerBeforeTomcatStartsSaysToCallItFromAnInitializer() throws Exception {
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory("farewell-tomcat").toString());
    Context context = tomcat.addContext("", null);

    assertThatThrownBy(() -> servlet.register(context.getServletContext()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must be called while the servlet context initializes")
        .hasMessageContaining("Tomcat's Context.addServletContainerInitializer");
    assertThat(context.findChild("farewell")).isNull();
    tomcat.destroy();
  }

  @Test
  void registerAfterTomcatStartedSaysToCallItFromAnInitializer() throws Exception {
    AtomicReference<ServletContext> started = new AtomicReference<>();
    try (TomcatContainer tomcat = new TomcatContainer()) {
      tomcat.start((classes, context) -> started.set(context));

      assertThatThrownBy(() -> servlet.register(started.get()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("must be called while the servlet context initializes");
    }
  }

  @Test
  void registerFromAListenerAddedByCodeOnTomcatSaysToUseAnInitializerOrADeclaredListener()
      throws Exception {
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    ServletContextListener addedByCode = new ServletContextListener() {
      @Override
      public void contextInitialized(ServletContextEvent event) {
        try {
          servlet.register(event.getServletContext());
        } catch (RuntimeException e) {
          failure.set(e);
        }
      }
    };
    try (TomcatContainer tomcat = new TomcatContainer()) {
      tomcat.start((classes, context) -> context.addListener(addedByCode));
    }

    assertThat(failure.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("was called from a ServletContextListener that was added by code")
        .hasMessageContaining("ServletContainerInitializer.onStartup")
        .hasMessageContaining("@WebListener");
  }

  @Test
  void registeringTwiceInOneContextSaysSo() throws Exception {
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    try (JettyContainer jetty = new JettyContainer()) {
      jetty.start((classes, context) -> {
        servlet.register(context);
        try {
          servlet.register(context);
        } catch (RuntimeException e) {
          failure.set(e);
        }
      });
    }

    assertThat(failure.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a servlet named farewell is already registered in this context:"
            + " register Farewell once");
  }

  @Test
  void fromAContextWithoutFarewellSaysToRegisterFirst() throws Exception {
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    AtomicReference<FarewellServlet> found = new AtomicReference<>();
    try (JettyContainer jetty = new JettyContainer()) {
      jetty.start((classes, context) -> {
        try {
          FarewellServlet.from(context);
        } catch (RuntimeException e) {
          failure.set(e);
        }
        servlet.register(context);
        found.set(FarewellServlet.from(context));
      });
    }

    assertThat(failure.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("no FarewellServlet is registered in this servlet context");
    assertThat(found.get()).isSameAs(servlet);
  }
}
