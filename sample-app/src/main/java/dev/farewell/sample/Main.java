package dev.farewell.sample;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the demo from the command line: {@code java -jar farewell-sample-app.jar --seats 2}. Prints
 * the URL when ready; stops cleanly on SIGTERM or Ctrl-C.
 */
public final class Main {

  private Main() {}

  /**
   * Starts the demo with the options of {@code args} (see {@code --help}) and blocks until the JVM
   * is asked to stop. Exits with status 2 on a bad command line and 1 if the demo cannot start.
   */
  public static void main(String[] args) {
    int status = run(args, System.getenv(), System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    SampleOptions options;
    try {
      options = CommandLine.parse(args, env);
    } catch (CommandLine.HelpRequested help) {
      out.println(CommandLine.USAGE);
      return 0;
    } catch (CommandLine.UsageException e) {
      err.println("farewell-sample-app: " + e.getMessage());
      err.println("Run with --help to see the options.");
      return 2;
    }
    SampleApp app;
    try {
      app = SampleApp.start(options);
    } catch (IllegalArgumentException e) {
      err.println("farewell-sample-app: " + e.getMessage());
      err.println("Run with --help to see the options.");
      return 2;
    } catch (IllegalStateException e) {
      err.println("farewell-sample-app: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  out.println("Farewell demo: stopping");
                  out.flush();
                  try {
                    app.close();
                  } finally {
                    out.println("Farewell demo: stopped");
                    out.flush();
                    stopped.countDown();
                  }
                },
                "farewell-sample-shutdown"));
    out.println("Farewell demo: " + app.uri() + " (" + options.seats() + " seats)");
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
