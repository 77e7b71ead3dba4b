package dev.farewell.servlet;

/**
 * One request's script tag, as {@link InjectingResponse} needs it: made at the page's insertion
 * point. The session of a page of a session new to Farewell is tracked only once the page is known
 * to go out (flushed or ended), so that a page the application then discards (a reset, an error, a
 * redirect) starts no open timeout ({@link FarewellServlet#filterTag}).
 */
interface PageTags {

  /**
   * Returns the page's tag with {@code nonce} (or none when null), or null when the page gets
   * none.
   */
  String issue(String nonce);

  /** The page with the issued tag goes out: tracks its session if that was left for now. */
  void track();

  /** The page with the issued tag was discarded before it went out. */
  void discard();

  /** Whether the application asked for this page's tag itself. */
  boolean issuedByApplication();
}
