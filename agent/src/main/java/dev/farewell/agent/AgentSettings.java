package dev.farewell.agent;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's settings: the drop-in's {@code farewell.*} settings given as agent arguments
 * ({@code -javaagent:farewell-agent.jar=secret-file=/etc/farewell/secret,exit-grace=3s}) or in a
 * properties file ({@code config=/etc/farewell/agent.properties}, or {@code FAREWELL_AGENT_CONFIG}).
 * A name is the drop-in's name with or without {@code farewell.}, in camel case or with dashes:
 * {@code exit-grace}, {@code exitGrace} and {@code farewell.exitGrace} are one setting. Arguments
 * win over the file; both win over the system properties, environment variables and context
 * parameters that the drop-in reads itself. {@code secret-file} (or {@code FAREWELL_SECRET_FILE})
 * names a file whose content, trimmed, is the secret, so that it is not on the command line.
 * Arguments are split only where a comma is followed by a setting's name and {@code =}; a name
 * that is not a setting is refused.
 */
final class AgentSettings {

  /**
   * Every setting's name: the drop-in's (those {@code DropInSettings} is asked for) and the agent's
   * own two. Arguments are split only at a comma followed by one of these, so that a value may
   * hold commas and {@code ,name=} (a logout URL's query, a form body).
   */
  static final Set<String> NAMES = Set.of(
      "farewell.secret", "farewell.previousSecret", "farewell.enabled", "farewell.basePath",
      "farewell.heartbeatInterval", "farewell.heartbeatTimeout", "farewell.hiddenTimeout",
      "farewell.exitGrace", "farewell.navigationGrace", "farewell.openTimeout",
      "farewell.maximumSessions", "farewell.invalidateOnRelease", "farewell.allowedOrigins",
      "farewell.cookieMode", "farewell.inject", "farewell.injectInclude",
      "farewell.injectExclude", "farewell.sessionAttributes", "farewell.logoutUrl",
      "farewell.logoutMethod", "farewell.logoutFormBody", "farewell.logoutJsonBody",
      "farewell.logoutTimeout",
      "farewell.config", "farewell.secretFile");

  /**
   * The settings whose value is free text (a URL, a body) and may hold {@code ,word=} of its own
   * where {@code word} is not a setting. In any other value, {@code ,word=} is a misspelled
   * setting's name and is refused.
   */
  static final Set<String> FREE_TEXT = Set.of(
      "farewell.logoutUrl", "farewell.logoutFormBody", "farewell.logoutJsonBody");

  /** Where an argument may start: a comma, then something that looks like {@code name=}. */
  private static final Pattern SEPARATOR =
      Pattern.compile(",\\s*([A-Za-z][A-Za-z0-9._-]*)\\s*=");

  private final Map<String, String> settings;

  private AgentSettings(Map<String, String> settings) {
    this.settings = Map.copyOf(settings);
  }

  static AgentSettings read(String arguments, UnaryOperator<String> environment)
      throws IOException {
    Map<String, String> given = new LinkedHashMap<>();
    if (arguments != null && !arguments.isBlank()) {
      for (String argument : split(arguments.trim())) {
        int equals = argument.indexOf('=');
        if (equals <= 0) {
          throw new IllegalArgumentException(
              "farewell-agent: an argument must be name=value, was \"" + argument.trim() + "\"");
        }
        String name = known(argument.substring(0, equals), "in the agent's arguments");
        if (given.put(name, argument.substring(equals + 1).trim()) != null) {
          throw new IllegalArgumentException("farewell-agent: the setting " + dashed(name)
              + " is given twice in the agent's arguments");
        }
      }
    }
    Map<String, String> settings = new LinkedHashMap<>();
    String config = given.containsKey("farewell.config")
        ? given.get("farewell.config") : environment.apply("FAREWELL_AGENT_CONFIG");
    if (config != null && !config.isBlank()) {
      Properties file = new Properties();
      try (Reader in = Files.newBufferedReader(Path.of(config.trim()), StandardCharsets.UTF_8)) {
        file.load(in);
      }
      for (String key : file.stringPropertyNames()) {
        settings.put(known(key, "in " + config.trim()), file.getProperty(key).trim());
      }
    }
    settings.putAll(given);
    settings.remove("farewell.config");
    String secretFile = settings.remove("farewell.secretFile");
    if (secretFile == null) {
      secretFile = environment.apply("FAREWELL_SECRET_FILE");
    }
    if (secretFile != null && !secretFile.isBlank() && !present(settings.get("farewell.secret"))) {
      settings.put("farewell.secret",
          Files.readString(Path.of(secretFile.trim()), StandardCharsets.UTF_8).trim());
    }
    return new AgentSettings(settings);
  }

  /**
   * The arguments, cut at each comma that a known {@code name=} follows. A comma followed by
   * {@code word=} where {@code word} is not a setting is refused, unless it is inside the value of
   * a {@link #FREE_TEXT} setting.
   */
  private static List<String> split(String arguments) {
    List<String> parts = new ArrayList<>();
    Matcher separator = SEPARATOR.matcher(arguments);
    int start = 0;
    while (separator.find()) {
      if (NAMES.contains(name(separator.group(1)))) {
        parts.add(arguments.substring(start, separator.start()));
        start = separator.start() + 1;
      } else if (!freeText(arguments.substring(start))) {
        known(separator.group(1), "in the agent's arguments");
      }
    }
    parts.add(arguments.substring(start));
    return parts;
  }

  /** Whether {@code argument} ({@code name=value…}) sets a {@link #FREE_TEXT} setting. */
  private static boolean freeText(String argument) {
    int equals = argument.indexOf('=');
    return equals > 0 && FREE_TEXT.contains(name(argument.substring(0, equals)));
  }

  /** The setting {@code given} names, or an exception that says it is not one. */
  private static String known(String given, String where) {
    String name = name(given);
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("farewell-agent: unknown setting \"" + given.trim()
          + "\" " + where + "; the settings are " + new TreeSet<>(NAMES).stream()
              .map(AgentSettings::dashed).toList()
          + " (see docs/agent.md)");
    }
    return name;
  }

  /** {@code farewell.exitGrace}: {@code exit-grace}, as docs/agent.md writes it. */
  private static String dashed(String name) {
    return name.substring("farewell.".length()).replaceAll("([a-z])([A-Z])", "$1-$2")
        .toLowerCase(Locale.ROOT);
  }

  /** {@code exit-grace}, {@code exitGrace}, {@code farewell.exitGrace}: {@code farewell.exitGrace}. */
  static String name(String given) {
    String name = given.trim();
    if (name.startsWith("farewell.")) {
      name = name.substring("farewell.".length());
    }
    StringBuilder camel = new StringBuilder("farewell.");
    boolean upper = false;
    for (char c : name.toCharArray()) {
      if (c == '-' || c == '_') {
        upper = true;
      } else {
        camel.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return camel.toString();
  }

  /** The {@code farewell.*} settings, for the drop-in. */
  Map<String, String> asMap() {
    return settings;
  }

  /** Whether a secret is configured anywhere the drop-in looks, except context parameters. */
  boolean hasSecret(UnaryOperator<String> environment) {
    return present(settings.get("farewell.secret"))
        || present(System.getProperty("farewell.secret"))
        || present(environment.apply("FAREWELL_SECRET"));
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }

  @Override
  public String toString() {
    // Secrets, logout bodies (a client_secret, a token) and the query of the logout URL (an
    // api_key) are not shown, as HttpReleaseAction shows no query either.
    Map<String, String> shown = new LinkedHashMap<>(settings);
    shown.replaceAll((key, value) -> {
      String name = key.toLowerCase(Locale.ROOT);
      if (name.contains("secret") || name.contains("body") || name.contains("password")) {
        return "…";
      }
      if (name.contains("url") && value.indexOf('?') >= 0) {
        return value.substring(0, value.indexOf('?')) + "?…";
      }
      return value;
    });
    return shown.toString();
  }
}
