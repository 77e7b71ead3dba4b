package dev.farewell.servlet;

import jakarta.servlet.ServletContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The drop-in's settings, each read by one name from three places, the first that has it winning
 * (after the settings of farewell-agent, when it started the drop-in): a system property ({@code -Dfarewell.exitGrace=5s}), an environment variable ({@code
 * FAREWELL_EXIT_GRACE=5s}), a context parameter of the application ({@code farewell.exitGrace} in
 * {@code web.xml}). A deployment can thus override what the application ships with. Values that
 * cannot be read fail with a message naming the setting, where it came from, and what it takes.
 */
final class DropInSettings {

  /**
   * A context attribute holding a {@code Map<String, String>} of settings that win over every
   * other place: farewell-agent sets it (from its arguments, its properties file and the
   * environment) around its call of the initializer. Not an application's API.
   */
  static final String AGENT_SETTINGS_ATTRIBUTE = "dev.farewell.agent.settings";

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  /** One value and where it came from, for messages. */
  record Value(String name, String text, String source) {}

  private final ServletContext context;
  private final UnaryOperator<String> environment;

  DropInSettings(ServletContext context, UnaryOperator<String> environment) {
    this.context = context;
    this.environment = environment;
  }

  static DropInSettings of(ServletContext context) {
    return new DropInSettings(context, System::getenv);
  }

  /** The environment variable of a setting: {@code farewell.exitGrace} is FAREWELL_EXIT_GRACE. */
  static String environmentName(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_')
        .toUpperCase(Locale.ROOT);
  }

  Optional<Value> get(String name) {
    if (context.getAttribute(AGENT_SETTINGS_ATTRIBUTE) instanceof Map<?, ?> agent
        && agent.get(name) instanceof String text && present(text)) {
      return Optional.of(new Value(name, text.trim(), "farewell-agent setting " + name));
    }
    String value = System.getProperty(name);
    if (present(value)) {
      return Optional.of(new Value(name, value.trim(), "system property " + name));
    }
    String variable = environmentName(name);
    value = environment.apply(variable);
    if (present(value)) {
      return Optional.of(new Value(name, value.trim(), "environment variable " + variable));
    }
    value = context.getInitParameter(name);
    if (present(value)) {
      return Optional.of(new Value(name, value.trim(), "context parameter " + name));
    }
    return Optional.empty();
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }

  Optional<String> string(String name) {
    return get(name).map(Value::text);
  }

  /** A secret of at least 32 UTF-8 bytes. */
  Optional<byte[]> secret(String name) {
    return get(name).map(value -> {
      byte[] bytes = value.text().getBytes(StandardCharsets.UTF_8);
      if (bytes.length < 32) {
        throw invalid(value, "at least 32 bytes (head -c 32 /dev/urandom | base64), was "
            + bytes.length + " bytes");
      }
      return bytes;
    });
  }

  /** {@code 500ms}, {@code 3s}, {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT3S}). */
  Optional<Duration> duration(String name) {
    return get(name).map(value -> {
      Matcher short_ = DURATION.matcher(value.text());
      try {
        if (short_.matches()) {
          long amount = Long.parseLong(short_.group(1));
          return switch (short_.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
          };
        }
        return Duration.parse(value.text());
      } catch (DateTimeParseException | ArithmeticException e) {
        throw invalid(value, "a duration like 500ms, 3s, 2m, 1h or PT3S, was \"" + value.text()
            + "\"");
      }
    });
  }

  Optional<Long> number(String name) {
    return get(name).map(value -> {
      try {
        return Long.parseLong(value.text());
      } catch (NumberFormatException e) {
        throw invalid(value, "a whole number, was \"" + value.text() + "\"");
      }
    });
  }

  Optional<Boolean> bool(String name) {
    return get(name).map(value -> switch (value.text().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(value, "true or false, was \"" + value.text() + "\"");
    });
  }

  /** A comma-separated list, blanks dropped. */
  Optional<List<String>> list(String name) {
    return get(name).map(value -> {
      List<String> items = new ArrayList<>();
      for (String item : value.text().split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
      return List.copyOf(items);
    });
  }

  /** Where a setting came from, for messages: {@code "context parameter farewell.exitGrace"}. */
  String source(String name) {
    return get(name).map(Value::source).orElse("default");
  }

  private static IllegalStateException invalid(Value value, String expected) {
    return new IllegalStateException(
        "Farewell drop-in: " + value.name() + " (" + value.source() + ") must be " + expected);
  }
}
