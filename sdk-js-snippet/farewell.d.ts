// Types for the Farewell browser snippet (@farewell/snippet).
// The snippet defines one global, `Farewell`; it never throws into the page.

/** Why the server released the session (ReleaseReason on the server), or 'UNKNOWN'. */
export type FarewellReleaseReason = 'EXIT' | 'TIMEOUT' | 'EXPLICIT' | 'UNKNOWN' | (string & {});

export interface FarewellOptions {
  /**
   * The page token the server issued for this session. Leave it out in cookie mode
   * (same-origin only: the server finds the session from its cookie).
   */
  token?: string;
  /**
   * The URL messages are POSTed to (the server's `{base}/beacon`). Default: `beacon` next to
   * the script's own URL (`/farewell/farewell.js` -> `/farewell/beacon`), or `/farewell/beacon`.
   */
  endpoint?: string;
  /**
   * Called once when the server answers 410: the session is over. The snippet has stopped.
   * Errors thrown here are swallowed. The `farewell:released` event fires as well.
   */
  onReleased?: (reason: FarewellReleaseReason) => void;
}

export interface FarewellReleasedDetail {
  reason: FarewellReleaseReason;
}

export interface FarewellApi {
  /** Starts (or restarts with new options): says `open` and beats. Never throws. */
  start(options?: FarewellOptions): void;
  /** Stops: removes listeners, timers, the worker and the armed deferred exit. Sends nothing. */
  stop(): void;
  /** Sends this page's exit now (without the navigation grace) and stops. */
  logout(): void;
  /** This page's id, the `page` field of every message. Read-only. */
  readonly pageId: string;
  /** Whether the snippet is started. */
  readonly running: boolean;
  /** Whether a dedicated worker's timer drives the heartbeat (false: main-thread timers). */
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
