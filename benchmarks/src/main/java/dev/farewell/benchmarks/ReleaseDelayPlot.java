package dev.farewell.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the release-delay distribution as cumulative curves (share of sessions released within a
 * given delay after their deadline), one panel per trial, with the target marked. Plain Java 2D in
 * headless mode, written with ImageIO: no dependency.
 */
final class ReleaseDelayPlot {

  private static final int PANEL_WIDTH = 560;
  private static final int HEIGHT = 420;
  private static final Color FAREWELL = new Color(0x1f77b4);
  private static final Color BASELINE = new Color(0x999999);
  private static final Color TARGET = new Color(0xd62728);

  /** One trial: its title, delays in nanoseconds, and its target for the 99th percentile. */
  record Panel(String title, long[] farewell, long[] baseline, Duration target) {}

  private ReleaseDelayPlot() {}

  static void write(Path file, List<Panel> panels, String caption) throws IOException {
    System.setProperty("java.awt.headless", "true");
    int width = PANEL_WIDTH * panels.size();
    BufferedImage image = new BufferedImage(width, HEIGHT + 40, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, HEIGHT + 40);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString(caption, 20, 24);
      for (int i = 0; i < panels.size(); i++) {
        Graphics2D panel = (Graphics2D) g.create(i * PANEL_WIDTH, 40, PANEL_WIDTH, HEIGHT);
        try {
          draw(panel, panels.get(i));
        } finally {
          panel.dispose();
        }
      }
    } finally {
      g.dispose();
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ImageIO.write(image, "png", file.toFile());
  }

  private static void draw(Graphics2D g, Panel panel) {
    int left = 60;
    int right = PANEL_WIDTH - 20;
    int top = 30;
    int bottom = HEIGHT - 80;
    double maxMillis = panel.target().toMillis() * 1.25;
    for (long[] sample : new long[][] {panel.farewell(), panel.baseline()}) {
      if (sample.length > 0) {
        maxMillis = Math.max(maxMillis, new Percentiles(sample).max() / 1e6);
      }
    }
    maxMillis = niceCeiling(maxMillis);
    double xScale = (right - left) / maxMillis;

    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.setColor(Color.BLACK);
    g.drawString(panel.title(), left, 18);

    g.setColor(new Color(0xeeeeee));
    for (int t = 0; t <= 4; t++) {
      int y = bottom - (bottom - top) * t / 4;
      g.drawLine(left, y, right, y);
    }
    g.setColor(Color.BLACK);
    g.drawLine(left, bottom, right, bottom);
    g.drawLine(left, top, left, bottom);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int t = 0; t <= 4; t++) {
      int y = bottom - (bottom - top) * t / 4;
      g.drawString((t * 25) + "%", left - 38, y + 4);
    }
    double step = niceCeiling(maxMillis / 5);
    for (double x = 0; x <= maxMillis + 1e-9; x += step) {
      int px = left + (int) Math.round(x * xScale);
      g.drawLine(px, bottom, px, bottom + 4);
      g.drawString(String.format(Locale.ROOT, "%.0f", x), px - 10, bottom + 18);
    }
    g.drawString("delay after deadline (ms)", (left + right) / 2 - 70, bottom + 36);

    int targetX = left + (int) Math.round(panel.target().toMillis() * xScale);
    g.setColor(TARGET);
    g.setStroke(
        new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
    g.drawLine(targetX, top, targetX, bottom);
    String label = "target p99 " + panel.target().toMillis() + " ms";
    int labelWidth = g.getFontMetrics().stringWidth(label);
    int labelX = (targetX + 6 + labelWidth <= right) ? targetX + 6 : targetX - 6 - labelWidth;
    g.drawString(label, labelX, bottom - 8);

    curve(g, panel.baseline(), BASELINE, left, bottom, top, xScale);
    curve(g, panel.farewell(), FAREWELL, left, bottom, top, xScale);

    g.setStroke(new BasicStroke(1f));
    int legendY = bottom + 56;
    g.setColor(FAREWELL);
    g.fillRect(left, legendY - 5, 14, 4);
    g.setColor(Color.BLACK);
    g.drawString("Farewell" + stats(panel.farewell()), left + 20, legendY);
    g.setColor(BASELINE);
    g.fillRect(left, legendY + 11, 14, 4);
    g.setColor(Color.BLACK);
    g.drawString("one timer task per session" + stats(panel.baseline()), left + 20, legendY + 16);
    Graphics2D vertical = (Graphics2D) g.create();
    try {
      vertical.rotate(-Math.PI / 2);
      vertical.drawString("sessions released", -(top + bottom) / 2 - 45, 14);
    } finally {
      vertical.dispose();
    }
  }

  private static String stats(long[] sample) {
    if (sample.length == 0) {
      return " (no release)";
    }
    Percentiles p = new Percentiles(sample);
    return String.format(
        Locale.ROOT,
        ": p50 %.0f ms, p99 %.0f ms, max %.0f ms",
        p.at(50) / 1e6,
        p.at(99) / 1e6,
        p.max() / 1e6);
  }

  private static void curve(
      Graphics2D g, long[] sample, Color color, int left, int bottom, int top, double xScale) {
    if (sample.length == 0) {
      return;
    }
    long[] sorted = new Percentiles(sample).sorted();
    Path2D.Double path = new Path2D.Double();
    int points = Math.min(sorted.length, 2000);
    path.moveTo(left + Math.max(0, sorted[0] / 1e6) * xScale, bottom);
    for (int i = 0; i < points; i++) {
      int index = (int) ((long) (sorted.length - 1) * i / Math.max(1, points - 1));
      double x = left + Math.max(0, sorted[index] / 1e6) * xScale;
      double y = bottom - (bottom - top) * (index + 1) / (double) sorted.length;
      path.lineTo(x, y);
    }
    g.setColor(color);
    g.setStroke(new BasicStroke(2.2f));
    g.draw(path);
  }

  private static double niceCeiling(double value) {
    if (value <= 0) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * magnitude >= value) {
        return m * magnitude;
      }
    }
    return 10 * magnitude;
  }
}
