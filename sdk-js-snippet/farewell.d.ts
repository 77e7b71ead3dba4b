// Types for the Farewell browser snippet (@farewell/snippet).
// The snippet defines one global, `Farewell`; it never throws into the page.

/**
 * Why the snippet stopped on the server's word.
 *
 * - `EXIT`, `TIMEOUT`, `EXPLICIT`, `SHUTDOWN`: the server answered 410, the session is over
 *   (`ReleaseReason` on the server); `UNKNOWN` when the 410 carried no reason.
 * - `UNAUTHORIZED`: the server answered 401: the page token is missing, forged or expired (in
 *   cookie mode: the cookie has no session). The session may still be live for other pages, but
 *   this page can no longer keep it alive: reload it (for a fresh token) or sign the user in again.
 * - `FORBIDDEN`: the server answered 403: this page's origin is not allowed (a configuration error).
 */
export type FarewellReleaseReason =
  | 'EXIT'
  | 'TIMEOUT'
  | 'EXPLICIT'
  | 'SHUTDOWN'
  | 'UNKNOWN'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | (string & {});

export interface FarewellOptions {
  /**
   * The page token the server issued for this session. Leave it out in cookie mode
   * (same-origin only: the server finds the session from its cookie).
   */
  token?: string;
  /**
   * The URL messages are POSTed to (the server's `{base}/beacon`), resolved against the page's own
   * URL (`location.href`, never a `<base href>`). Default: `location.origin + '/farewell/beacon'`;
   * never the script's URL, which may be a CDN's.
   */
  endpoint?: string;
  /**
   * The dedicated worker script that sends the heartbeats, resolved against the endpoint.
   * Default: `farewell-worker.js` next to the endpoint (served by the servlet adapter; CSP
   * `worker-src 'self'`). `false`: no worker, page timers send the beats (they stop while the
   * main thread is blocked and are throttled in hidden tabs).
   */
  worker?: string | false;
  /**
   * Called once when the snippet stops on the server's word: 410 (the session is over), 401
   * (`UNAUTHORIZED`) or 403 (`FORBIDDEN`). The snippet has stopped by then and may be started
   * again from here. Errors thrown here are swallowed. The `farewell:released` event fires as well.
   * Other refusals (400, 429, 503, ...) never stop the snippet: it backs off and tries again.
   */
  onReleased?: (reason: FarewellReleaseReason) => void;
}

export interface FarewellReleasedDetail {
  reason: FarewellReleaseReason;
}

export interface FarewellApi {
  /**
   * Starts (or restarts with new options): says `open` and beats. On a page prerendered by
   * Speculation Rules (`document.prerendering`) it sends nothing until the user is shown the page.
   * Never throws.
   */
  start(options?: FarewellOptions): void;
  /** Stops: removes listeners, timers, the worker and the armed deferred exit. Sends nothing. */
  stop(): void;
  /**
   * Sends this page's exit now (without the navigation grace) and stops. Sends nothing if this
   * page life's exit has gone already, or a prerendered page has not been shown yet.
   */
  logout(): void;
  /** This page's id, the `page` field of every message. Read-only. */
  readonly pageId: string;
  /** Whether the snippet is started (also while a prerendered page waits to be shown). */
  readonly running: boolean;
  /** Whether a dedicated worker sends the heartbeats (false: main-thread timers). */
  readonly worker: boolean;
}

declare global {
  // eslint-disable-next-line no-var
  var Farewell: FarewellApi;
  interface WindowEventMap {
    'farewell:released': CustomEvent<FarewellReleasedDetail>;
  }
}

export {};
