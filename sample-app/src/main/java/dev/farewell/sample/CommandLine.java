package dev.farewell.sample;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/** Reads the command line and the environment into {@link SampleOptions}. */
final class CommandLine {

  static final String USAGE =
      String.join(
          "\n",
          "Usage: java -jar farewell-sample-app.jar [options]",
          "",
          "  --port N                 port to listen on (default 8080; 0 picks a free one)",
          "  --host ADDRESS           address to bind (default 127.0.0.1)",
          "  --seats N                how many users may be logged in at once (default 3)",
          "  --heartbeat-interval D   how often a visible page beats (default 5s)",
          "  --heartbeat-timeout D    a visible page is gone this long after its last signal"
              + " (default 15s)",
          "  --hidden-timeout D       the same for a hidden page (default 150s)",
          "  --exit-grace D           wait after the last page exits, so a reload keeps the"
              + " session (default 3s)",
          "  --navigation-grace D     the same after an in-app navigation (default 10s)",
          "  --store redis://H:P      share seats and sessions with other instances in Redis",
          "  --group NAME             instances of one group share seats (default"
              + " farewell-sample)",
          "  --token-secret S         signs page tokens; instances sharing a store need the"
              + " same one",
          "                           (or set FAREWELL_TOKEN_SECRET)",
          "  --help                   print this and exit",
          "",
          "Durations look like 500ms, 3s, 2m or 1h.");

  /** Thrown for a bad command line; its message says what was wrong. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** Thrown when the command line asked for help. */
  static final class HelpRequested extends Exception {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super("help");
    }
  }

  private CommandLine() {}

  /**
   * Parses {@code args}, taking the token secret from {@code FAREWELL_TOKEN_SECRET} in {@code env}
   * when the flag is absent.
   *
   * @throws UsageException with a message naming the bad flag or value
   * @throws HelpRequested for {@code --help}
   */
  static SampleOptions parse(String[] args, Map<String, String> env)
      throws UsageException, HelpRequested {
    SampleOptions.Builder b = SampleOptions.newBuilder();
    boolean secretGiven = false;
    try {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--help") || arg.equals("-h")) {
          throw new HelpRequested();
        }
        String flag = arg;
        String value;
        int eq = arg.indexOf('=');
        if (arg.startsWith("--") && eq > 0) {
          flag = arg.substring(0, eq);
          value = arg.substring(eq + 1);
        } else {
          if (!arg.startsWith("--")) {
            throw new UsageException("unexpected argument '" + arg + "' (see --help)");
          }
          if (i + 1 >= args.length) {
            throw new UsageException(flag + " needs a value");
          }
          value = args[++i];
        }
        try {
          switch (flag) {
            case "--port":
              b.port(integer(flag, value));
              break;
            case "--host":
              b.host(value);
              break;
            case "--seats":
              b.seats(integer(flag, value));
              break;
            case "--heartbeat-interval":
              b.heartbeatInterval(Durations.parse(flag, value));
              break;
            case "--heartbeat-timeout":
              b.heartbeatTimeout(Durations.parse(flag, value));
              break;
            case "--hidden-timeout":
              b.hiddenTimeout(Durations.parse(flag, value));
              break;
            case "--exit-grace":
              b.exitGrace(Durations.parse(flag, value));
              break;
            case "--navigation-grace":
              b.navigationGrace(Durations.parse(flag, value));
              break;
            case "--store":
              b.store(uri(flag, value));
              break;
            case "--group":
              b.group(value);
              break;
            case "--token-secret":
              b.tokenSecret(value);
              secretGiven = true;
              break;
            default:
              throw new UsageException("unknown option " + flag + " (see --help)");
          }
        } catch (IllegalStateException e) {
          throw new UsageException(flag + " was given twice");
        } catch (IllegalArgumentException e) {
          throw new UsageException(withFlag(flag, e.getMessage()));
        }
      }
      String envSecret = env.get("FAREWELL_TOKEN_SECRET");
      if (!secretGiven && envSecret != null && !envSecret.isEmpty()) {
        try {
          b.tokenSecret(envSecret);
        } catch (IllegalArgumentException e) {
          throw new UsageException("FAREWELL_TOKEN_SECRET: " + e.getMessage());
        }
      }
      return b.build();
    } catch (IllegalStateException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static String withFlag(String flag, String message) {
    return message.startsWith("--") ? message : flag + ": " + message;
  }

  private static int integer(String flag, String value) throws UsageException {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " expects a whole number, was '" + value + "'");
    }
  }

  private static URI uri(String flag, String value) throws UsageException {
    try {
      URI uri = new URI(value);
      if (uri.getPort() == -1 && "redis".equals(uri.getScheme()) && uri.getHost() != null) {
        uri = new URI("redis", null, uri.getHost(), 6379, null, null, null);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new UsageException(flag + " expects redis://host:port, was '" + value + "'");
    }
  }
}
