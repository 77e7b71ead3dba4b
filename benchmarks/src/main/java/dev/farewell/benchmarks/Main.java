package dev.farewell.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs one figure and appends its rows to the results file. {@code benchmarks/run} starts one JVM
 * per figure so that no figure's garbage or JIT state colours another's.
 *
 * <pre>
 * Main FIGURE [--quick] [--results FILE] [--work DIR] [--plot FILE]
 * </pre>
 *
 * Exit status: 0 when the figure ran or was skipped (a missing browser or Redis, not required by
 * {@code FAREWELL_REQUIRE_BROWSER} / {@code FAREWELL_REQUIRE_REDIS}), 2 when it could not run. A
 * missed target is not a failure of the run: it is a {@code fail} in the table.
 */
public final class Main {

  private Main() {}

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      usage("no figure given");
    }
    String name = args[0];
    boolean quick = false;
    Path results = null;
    Path work = Path.of("benchmarks", "target", "bench");
    Path plot = null;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--quick":
          quick = true;
          break;
        case "--results":
          results = Path.of(value(args, ++i));
          break;
        case "--work":
          work = Path.of(value(args, ++i));
          break;
        case "--plot":
          plot = Path.of(value(args, ++i));
          break;
        default:
          usage("unknown argument " + args[i]);
      }
    }
    Files.createDirectories(work);
    Figure figure = figure(name);
    List<Row> rows = new ArrayList<>();
    int status = 0;
    try {
      rows.addAll(figure.run(new Settings(quick, work, plot)));
    } catch (Figure.Skipped skipped) {
      String required = requiredBy(name);
      if (required != null && "1".equals(System.getenv(required))) {
        System.err.println(name + ": " + skipped.getMessage() + " (required by " + required + "=1)");
        rows.add(new Row(name, "-", "-", "-", "could not run", Row.Verdict.FAIL));
        status = 2;
      } else {
        System.err.println(name + ": skipped: " + skipped.getMessage());
        rows.add(Row.skipped(name, "skipped: " + skipped.getMessage()));
      }
    } catch (Exception | Error e) {
      System.err.println(name + ": could not run: " + e);
      e.printStackTrace();
      rows.add(new Row(name, "-", "-", "-", "could not run", Row.Verdict.FAIL));
      status = 2;
    }
    StringBuilder tsv = new StringBuilder();
    for (Row row : rows) {
      tsv.append(row.toTsv()).append('\n');
    }
    System.out.print(tsv);
    if (results != null) {
      Files.writeString(
          results,
          tsv,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
    System.out.flush();
    // Jetty, Jedis and engine threads may linger; the figure is done.
    System.exit(status);
  }

  static Figure figure(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "engine":
        return new EngineThroughputFigure();
      case "memory":
        return new MemoryFigure();
      case "precision":
        return new ReleasePrecisionFigure();
      case "http":
        return new HttpFigure();
      case "browser":
        return new BrowserFigure();
      case "redis":
        return new RedisFigure();
      case "filter":
        return new FilterFigure();
      default:
        usage("unknown figure " + name);
        return null;
    }
  }

  private static String requiredBy(String figure) {
    switch (figure) {
      case "browser":
        return "FAREWELL_REQUIRE_BROWSER";
      case "redis":
        return "FAREWELL_REQUIRE_REDIS";
      default:
        return null;
    }
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      usage(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println(
        "usage: Main engine|memory|precision|http|filter|browser|redis [--quick] [--results FILE]"
            + " [--work DIR] [--plot FILE]");
    System.exit(64);
  }
}
