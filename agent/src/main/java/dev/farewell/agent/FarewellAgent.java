package dev.farewell.agent;

import java.lang.instrument.Instrumentation;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/**
 * The {@code -javaagent:farewell-agent.jar} entry point: it watches the servlet containers of the
 * JVM start their web applications and adds Farewell's drop-in ({@code FarewellInitializer}) to
 * each, as if farewell-servlet were in its {@code WEB-INF/lib}. See {@code docs/agent.md}.
 *
 * <p>Two hook points, both where a container is about to run the {@code
 * ServletContainerInitializer}s of an application: Tomcat's (9, 10, 11) {@code
 * StandardContext.startInternal} and Jetty's (12, ee8 to ee11) {@code
 * ServletContextHandler} constructors (Jetty takes initializers only before a context starts).
 * The advice only hands the context to {@link Hooks}, which registers one more initializer through
 * the container's own API; nothing else of the container changes. Whatever fails (a type Byte
 * Buddy cannot hook, a hook or an initializer that throws) is logged once and the application
 * starts without Farewell.
 */
public final class FarewellAgent {

  private FarewellAgent() {}

  /** Called by the JVM for {@code -javaagent:}. */
  public static void premain(String arguments, Instrumentation instrumentation) {
    try {
      AgentSettings settings = AgentSettings.read(arguments, System::getenv);
      Hooks.install(settings, Libraries.extract());
      leaveUnsafeAlone();
      new AgentBuilder.Default()
          .disableClassFormatChanges()
          .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
          .with(new Problems())
          .ignore(ElementMatchers.nameStartsWith("net.bytebuddy.")
              .or(ElementMatchers.nameStartsWith("dev.farewell.")))
          .type(ElementMatchers.named("org.apache.catalina.core.StandardContext"))
          .transform(new AgentBuilder.Transformer.ForAdvice()
              .include(FarewellAgent.class.getClassLoader())
              .advice(ElementMatchers.named("startInternal")
                  .and(ElementMatchers.takesNoArguments()), TomcatAdvice.class.getName()))
          .type(ElementMatchers.nameMatches(
              "org\\.eclipse\\.jetty\\.ee\\d+\\.servlet\\.ServletContextHandler"))
          .transform(new AgentBuilder.Transformer.ForAdvice()
              .include(FarewellAgent.class.getClassLoader())
              .advice(ElementMatchers.isConstructor(), JettyAdvice.class.getName()))
          .installOn(instrumentation);
    } catch (Throwable e) {
      Hooks.warnOnce("agent", "farewell-agent could not start; the JVM goes on without it", e);
    }
  }

  /**
   * Puts Byte Buddy in its safe mode, unless set otherwise: it then does not prepare class
   * injection through {@code sun.misc.Unsafe}, which advice does not need and for which a JDK 24
   * or newer prints warnings (JEP 498). The property's name is relocated with Byte Buddy, so only
   * the agent's copy reads it.
   */
  private static void leaveUnsafeAlone() {
    String safe = ByteBuddy.class.getPackageName() + ".safe";
    if (System.getProperty(safe) == null) {
      System.setProperty(safe, "true");
    }
  }

  /**
   * Byte Buddy's report: a type it could not hook (an unknown container version) is logged once,
   * at WARNING, and left as it is; a hooked type at FINE.
   */
  static final class Problems extends AgentBuilder.Listener.Adapter {

    @Override
    public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module,
        boolean loaded, DynamicType dynamicType) {
      Hooks.logger.fine(() -> "farewell-agent hooked into " + type.getName());
    }

    @Override
    public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
        Throwable error) {
      Hooks.warnOnce("type:" + typeName, "farewell-agent cannot hook into " + typeName
          + "; it is left alone", error);
    }
  }

  /** Inlined into Tomcat's {@code StandardContext.startInternal}: only java.* types in it. */
  static final class TomcatAdvice {
    private TomcatAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object context) throws Throwable {
      Class.forName("dev.farewell.agent.Hooks", true, ClassLoader.getSystemClassLoader())
          .getMethod("tomcatContextStarting", Object.class)
          .invoke(null, context);
    }
  }

  /** Inlined into Jetty's {@code ServletContextHandler} constructors: only java.* types in it. */
  static final class JettyAdvice {
    private JettyAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void enter(@Advice.This Object handler) throws Throwable {
      Class.forName("dev.farewell.agent.Hooks", true, ClassLoader.getSystemClassLoader())
          .getMethod("jettyContextStarting", Object.class)
          .invoke(null, handler);
    }
  }
}
