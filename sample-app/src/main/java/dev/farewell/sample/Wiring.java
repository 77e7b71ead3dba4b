package dev.farewell.sample;

import dev.farewell.Farewell;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import redis.clients.jedis.UnifiedJedis;

/**
 * How the demo plugs Farewell in: the engine with its store and release actions, the page tokens,
 * the snippet tag, and the beacon endpoint. This is the part an application copies.
 */
final class Wiring {

  private final Farewell engine;
  private final Function<Login, String> tokens;
  private final PageScript pageScript;

  private Wiring(Farewell engine, Function<Login, String> tokens, PageScript pageScript) {
    this.engine = engine;
    this.tokens = tokens;
    this.pageScript = pageScript;
  }

  static Wiring create(
      SampleOptions options, Logins logins, UnifiedJedis redis, String prefix, IntSupplier port) {
    Farewell.Builder builder = Farewell.newBuilder();
    options.heartbeatInterval().ifPresent(builder::heartbeatInterval);
    options.heartbeatTimeout().ifPresent(builder::heartbeatTimeout);
    options.hiddenTimeout().ifPresent(builder::hiddenTimeout);
    options.exitGrace().ifPresent(builder::exitGrace);
    options.navigationGrace().ifPresent(builder::navigationGrace);
    builder.onRelease(logins::released);
    Farewell engine = builder.build();
    return new Wiring(engine, login -> "", (request, login) -> "");
  }

  Farewell engine() {
    return engine;
  }

  Function<Login, String> tokens() {
    return tokens;
  }

  PageScript pageScript() {
    return pageScript;
  }

  void addFarewellServlets(ServletContextHandler context) {}
}
