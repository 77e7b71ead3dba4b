package dev.farewell.agent;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
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
 */
final class AgentSettings {

  /** Arguments are split at commas followed by {@code name=}, so values may hold commas. */
  private static final Pattern ARGUMENT_SEPARATOR =
      Pattern.compile(",(?=\\s*[A-Za-z][A-Za-z0-9.-]*=)");

  private final Map<String, String> settings;

  private AgentSettings(Map<String, String> settings) {
    this.settings = Map.copyOf(settings);
  }

  static AgentSettings read(String arguments, UnaryOperator<String> environment)
      throws IOException {
    Map<String, String> given = new LinkedHashMap<>();
    if (arguments != null && !arguments.isBlank()) {
      for (String argument : ARGUMENT_SEPARATOR.split(arguments.trim())) {
        int equals = argument.indexOf('=');
        if (equals <= 0) {
          throw new IllegalArgumentException(
              "farewell-agent: an argument must be name=value, was \"" + argument.trim() + "\"");
        }
        given.put(name(argument.substring(0, equals)), argument.substring(equals + 1).trim());
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
      file.stringPropertyNames().forEach(key -> settings.put(name(key), file.getProperty(key).trim()));
    }
    settings.putAll(given);
    settings.remove("farewell.config");
    String secretFile = settings.remove("farewell.secretFile");
    if (secretFile == null) {
      secretFile = environment.apply("FAREWELL_SECRET_FILE");
    }
    if (secretFile != null && !secretFile.isBlank() && !settings.containsKey("farewell.secret")) {
      settings.put("farewell.secret",
          Files.readString(Path.of(secretFile.trim()), StandardCharsets.UTF_8).trim());
    }
    return new AgentSettings(settings);
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
