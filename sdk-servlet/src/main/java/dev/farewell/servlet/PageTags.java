package dev.farewell.servlet;

/**
 * One request's script tag, as {@link InjectingResponse} needs it: made at the page's insertion
 * point ({@link FarewellServlet#filterTag}).
 */
interface PageTags {

  /**
   * Returns the page's tag with {@code nonce} (or none when null), or null when the page gets
   * none.
   */
  String issue(String nonce);

  /**
   * The page was discarded before it went out (a reset, an error, a redirect, a forward): so are
   * the tags it was given.
   */
  void discard();

  /** Whether the application asked for this page's tag itself. */
  boolean issuedByApplication();
}
