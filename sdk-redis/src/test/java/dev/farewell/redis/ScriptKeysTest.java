package dev.farewell.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Reads the scripts' source: every key a Redis command in them touches must come from {@code KEYS}
 * (directly, through a local assigned from {@code KEYS}, or through a prelude function's parameter
 * whose every call passes one), never be built from {@code ARGV} or a prefix. Redis Cluster routes
 * and migrates scripts by their declared keys; {@code ClusterTest} runs them on a real cluster.
 */
class ScriptKeysTest {

  private static final List<String> SCRIPTS = List.of("signal.lua", "track.lua", "release.lua",
      "claim.lua", "renew.lua", "ack.lua", "prelude.lua");
  /** The prelude functions' key parameters, checked at their call sites below. */
  private static final Set<String> KEY_PARAMETERS =
      Set.of("key", "tombs", "reasons", "mark", "hold", "nodes", "due", "claimed", "session");
  /** Prelude functions whose first arguments are keys, and how many. */
  private static final Map<String, Integer> KEY_FUNCTIONS = Map.of("hash", 1, "tombstone", 1,
      "trimtombs", 3, "stale", 2, "each", 1, "room", 1, "adopt", 3);

  private static final Pattern CALL =
      Pattern.compile("redis\\.p?call\\(\\s*'([A-Z]+)'\\s*(?:,\\s*([^,)]+))?");
  private static final Pattern KEYS_REF = Pattern.compile("KEYS\\[[^\\]]+\\]");
  private static final Pattern LOCAL = Pattern.compile("local\\s+([\\w, ]+?)\\s*=\\s*([^\\n]+)");

  @Test
  void everyKeyARedisCommandTouchesComesFromKeys() throws IOException {
    List<String> wrong = new ArrayList<>();
    for (String script : SCRIPTS) {
      String source = read(script);
      Set<String> fromKeys = localsFromKeys(source);
      Matcher call = CALL.matcher(source);
      while (call.find()) {
        if (call.group(1).equals("TIME")) {
          continue;
        }
        String key = call.group(2) == null ? "" : call.group(2).trim();
        boolean declared = KEYS_REF.matcher(key).matches() || fromKeys.contains(key)
            || (script.equals("prelude.lua") && KEY_PARAMETERS.contains(key));
        if (!declared) {
          wrong.add(script + ": " + call.group());
        }
      }
      for (Map.Entry<String, Integer> function : KEY_FUNCTIONS.entrySet()) {
        Matcher use = Pattern.compile("(?<!function )\\b" + function.getKey() + "\\(([^\\n]*)")
            .matcher(source);
        while (use.find()) {
          String[] arguments = use.group(1).split(",");
          for (int i = 0; i < function.getValue(); i++) {
            String key = arguments[i].replaceAll("\\).*", "").trim();
            boolean declared = KEYS_REF.matcher(key).matches() || fromKeys.contains(key)
                || (script.equals("prelude.lua") && KEY_PARAMETERS.contains(key));
            if (!declared) {
              wrong.add(script + ": " + function.getKey() + " argument " + (i + 1) + ": " + key);
            }
          }
        }
      }
    }
    assertThat(wrong).as("keys not passed in KEYS").isEmpty();
  }

  @Test
  void theCheckFindsAKeyBuiltFromArguments() {
    String source = "local sk = ARGV[3] .. k\nredis.call('DEL', sk)\nredis.call('GET', ARGV[4] .. k)";
    assertThat(localsFromKeys(source)).doesNotContain("sk");
    Matcher call = CALL.matcher(source);
    assertThat(call.find()).isTrue();
    assertThat(call.group(2).trim()).isEqualTo("sk");
    assertThat(call.find()).isTrue();
    assertThat(KEYS_REF.matcher(call.group(2).trim()).matches()).isFalse();
  }

  /** Locals whose every assignment takes a {@code KEYS} entry. */
  private static Set<String> localsFromKeys(String source) {
    Set<String> good = new java.util.HashSet<>();
    Set<String> bad = new java.util.HashSet<>();
    Matcher local = LOCAL.matcher(source);
    while (local.find()) {
      String[] names = local.group(1).split("\\s*,\\s*");
      String[] values = local.group(2).split("\\s*,\\s*");
      for (int i = 0; i < names.length; i++) {
        String value = i < values.length ? values[i].trim() : "";
        (KEYS_REF.matcher(value).matches() ? good : bad).add(names[i].trim());
      }
    }
    good.removeAll(bad);
    return good;
  }

  private static String read(String file) throws IOException {
    try (InputStream in = Scripts.class.getResourceAsStream(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
