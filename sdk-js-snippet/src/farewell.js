/*! Farewell | Apache-2.0 */
// Tells the server when this page goes away (wire protocol v1, docs/protocol.md):
// an exit beacon on pagehide, `hidden` on visibilitychange, heartbeats in between.
// Rules: ES2017, no dependencies, one global (Farewell), every browser call guarded,
// nothing ever thrown into the host page.
// Browser APIs are read as globals (properties of window), inside attempt where one may be
// missing; `w.x` where a missing one must read as undefined. No 'use strict': the code has no
// `arguments`, no undeclared assignment (the tests check the page's globals) and one `this`, which
// the dialog wrappers pass on as they got it; the directive costs 8 of the budget's bytes.
(() => {
  if (typeof window != 'object') return;
  const w = window;

  const doc = w.document;
  // A link click or form submit counts as in-app navigation if the page goes
  // away within this many ms of it (a slow server can take a while to answer).
  const NAV_WINDOW = 1e4;
  // Runs fn; undefined if it throws.
  const attempt = (fn) => {
    try {
      return fn();
    } catch (e) {
      // a throwing page getter or a missing API: carry on
    }
  };
  // Back-off deadlines on a monotonic clock: a wall clock set back must not hold the beats.
  const mono = () => attempt(() => performance.now());

  const pageId =
    attempt(() => crypto.randomUUID()) ||
    (Math.random() + '').slice(2) + Date.now();
  // data-token and data-endpoint (either starts it; data-token="" is cookie mode)
  const tag = attempt((d = doc.currentScript.dataset) => (d.token != null || d.endpoint != null) && d);
  // A second copy of the script leaves the first in charge, and starts it if its own tag says
  // so and the first has not started. An element with id="Farewell" (named access on window)
  // is no copy.
  if (attempt(() => w.Farewell.start)) return attempt(() => tag && !w.Farewell.running && w.Farewell.start(tag));
  // The page's own origin unless the page names another endpoint: never the script's URL,
  // which may be a CDN's or a bundle's, and must not receive the page's token.

  let seq = 0;
  // 0 once stopped, else an object new with every start: an answer is read only while the start
  // that sent its message runs
  let live = 0;
  let token, url, onReleased;
  // 0: page shown, 1: in the back/forward cache, 2: exit sent in this page life,
  // 3: not opened yet (a prerendered page the user has not seen)
  let away;
  let hiddenSent;
  let heartbeatMs;
  let backoffUntil, refusals, lastOk;
  let timer, due, worker, workerSrc;
  let deferred, later; // AbortController and result of the armed fetchLater exit
  let bye; // the exit message of this page life, once built: a retry sends the same message
  let navEvent, navAt;
  let closing; // pagehide (not persisted) has begun: Firefox may cut it before the exit is built

  const isHidden = () => !!attempt(() => doc.hidden);

  // A `hidden` message says hidden:true even where the page is still visible (pagehide into
  // the back/forward cache fires before visibilitychange).
  // The worker numbers its beats on from the seq the page last gave it, and the page learns
  // them only as the worker tells it (a blocked main thread hears of none): each message of the
  // page jumps 2^20 (two months of beats) ahead, so that it is newer than every beat the worker
  // sent before it, heard of or not.
  const message = (type, navigation, n = (seq += 2 ** 20)) =>
    JSON.stringify({
      v: 1,
      type,
      token,
      page: pageId,
      seq: n,
      // (JSON leaves undefined out) nav: true on an in-app navigation's exit only; hidden: on every
      // type (the protocol requires it on all but exit, and allows it there)
      nav: navigation || undefined,
      hidden: type == 'hidden' || isHidden(),
    });

  // fetch with keepalive can read the answer and still outlives the page.
  // Only an answer to a message of the current start is read (`from`: its `live`, else undefined).
  // A network error (server down, or a cross-origin refusal without CORS headers, which a page
  // cannot tell apart) is answered like a refusal: it backs off instead of polling every beat.
  const viaFetch = (body, from) =>
    // The promise (truthy) says the request left. (attempt(error) calls no function: a catch
    // handler that does nothing.)
    attempt(() =>
      fetch(url, { method: 'POST', body, keepalive: true })
        .then((r) => Promise.all([r.status, r.headers.get('Retry-After'), r.json().catch(attempt)]))
        .catch(attempt)
        .then((a) => from == live && answer(...(a || [0])))
        .catch(attempt)
    );
  // sendBeacon of a string goes as text/plain: no CORS preflight, queued even while unloading.
  const viaBeacon = (body) => attempt(() => navigator.sendBeacon(url, body));

  // Only heartbeats wait out a back-off: a change of state (hidden, visible, resume) is rare
  // and the server must know it, or a page in the back/forward cache would time out as visible.
  // (the exit goes by exit(), never here)
  const send = (type, body) => {
    (type == 'heartbeat' && mono() < backoffUntil) ||
      ((body = message(type)), type == 'hidden' ? viaBeacon(body) || viaFetch(body) : viaFetch(body, live) || viaBeacon(body));
    arm();
  };

  // fetchLater (Chrome 135+) sends the armed exit when the page's document ends without a word:
  // its renderer crashes, or the browser discards the tab (frozen first or not). Re-armed after
  // every message with the newest seq and token, aborted before a real exit is sent and on the
  // way into the back/forward cache (which would send it). No activateAfter: that timer would
  // send the exit while the page lives (a long task, a dialog, a hidden page's throttled timers),
  // and no delay is long enough for all of them; without it the browser sends the exit only at
  // the document's end. https://developer.mozilla.org/docs/Web/API/Window/fetchLater
  // (aborting an aborted controller again does nothing)
  const disarm = () => attempt(() => deferred.abort());
  const arm = () => {
    // A deferred exit sent while the page lives (no browser is known to), found at the next message
    // or answer: say that it lives, by a change of state, which every server node writes at once (a
    // heartbeat may be answered by a node that has not seen the exit, and written after its
    // grace). Not on the way into the back/forward cache: the `hidden` just sent says it.
    attempt(() => later.activated && !away && viaFetch(message(isHidden() ? 'hidden' : 'visible'), live));
    later = 0;
    disarm();
    // The feature checks run inside attempt too: a page's throwing getter cannot stop a beat.
    // (Without fetchLater the call throws.)
    attempt(() => {
      if (live && !away) {
        deferred = new AbortController();
        later = w.fetchLater(url, {
          method: 'POST',
          // Newer than every beat the worker sends until the page's next message (2^19 beats, a
          // month), which is newer still: a renderer that dies while the worker beats on (a
          // blocked main thread, a beat in flight) still has its exit taken.
          body: message('exit', 0, seq + 2 ** 19),
          signal: deferred.signal,
        });
      }
    });
    // the newest token and interval
    post();
  };

  // (status, 0 for a network error; Retry-After header; the JSON body, undefined or 0 if unreadable)
  const answer = (status, h, j = {}) => {
    // 401: the token is missing, forged or expired (in cookie mode: no session); 403: this
    // origin is refused. Asking again cannot change either: stop, and tell the page.
    if (status == 401 || status == 403) return release(status == 401 ? 'UNAUTHORIZED' : 'FORBIDDEN');
    if (status == 410) return release(j.reason || 'UNKNOWN');
    // 429, 503 (server full, closing or without its store), a network error, and anything
    // else unexpected (400: a message the server does not take, 404: a wrong endpoint, a
    // proxy's 502...): send no heartbeat for Retry-After (the server accepts that its timeout
    // may pass), else retry until the server's deadline (below). One odd answer does not end
    // the page; a lasting one costs a request a minute.
    if (status != 200) {
      if (!h && !worker && isHidden() && !refusals++) return send('heartbeat');
      // seconds, or an HTTP date (without the header: not a positive number)
      let ms = h * 1e3 || new Date(h) - Date.now();
      // Retried every half interval until the server's deadline (3 intervals since the last
      // accepted message) has passed; only then back off, doubling up to a minute. Page timers
      // of a hidden page may run once a minute: there the first refusal is retried at once.
      ms =
        ms > 0
          ? Math.min(Math.max(ms, heartbeatMs), 6e5)
          : mono() - lastOk < 3 * heartbeatMs
          ? heartbeatMs / 2
          : Math.min(heartbeatMs * 2 ** refusals++, Math.max(heartbeatMs, 6e4));
      backoffUntil = mono() + ms;
      schedule(ms);
    } else {
      refusals = backoffUntil = 0;
      lastOk = mono();
      // A 200 says live (with heartbeatMs, and a token when it is due for refresh) or, to an
      // exit, exiting (neither). 1 s to about a day: past 2^31 ms setTimeout wraps to 0 (a tight loop)
      const ms = +j.heartbeatMs;
      if (j.token) token = '' + j.token;
      if (ms >= 1e3 && ms < 1e8 && ms != heartbeatMs) schedule(jitter((heartbeatMs = ms)));
    }
    arm(); // the deferred exit and the worker's heartbeat carry the newest token and interval
  };

  const release = (reason) => {
    stop(); // keeps onReleased: the callback may start again
    attempt(() => onReleased(reason));
    attempt(() => w.dispatchEvent(new CustomEvent('farewell:released', { detail: { reason } })));
  };

  // Beats come 0-20% early so that jitter never pushes one past the server's timeout.
  const jitter = (ms) => ms - (ms * Math.random()) / 5;
  // Called by timers: schedule and send guard each browser call, so nothing throws into the page.
  const beat = () => live && !away && (schedule(jitter(heartbeatMs)), send('heartbeat'));
  // With a worker, a page timer only watches it: a worker that sent no beat for two intervals past
  // its due beat is dropped and page timers take over.
  const wait = (fn, ms) => {
    attempt(() => clearTimeout(timer));
    due = mono() + ms;
    timer = fn && attempt(() => setTimeout(fn, ms));
  };
  const schedule = (ms) => {
    wait(worker ? lost : beat, worker ? ms + 2 * heartbeatMs : ms);
    post(ms);
  };
  // A watch that fires more than an interval late ran on a blocked or frozen main thread, where
  // the worker's messages may still wait behind it: the worker gets another two intervals.
  const lost = () => (mono() - due > heartbeatMs ? wait(lost, 2 * heartbeatMs) : (dropWorker(), beat()));
  // The worker sends the heartbeats itself, so that they go on while the main thread is
  // blocked (alert(), a print dialog, a long task); it gets what it needs with every change.
  const post = (d) =>
    attempt(() =>
      // the heartbeat with seq -1, which the worker replaces with its own
      worker.postMessage({ d, i: jitter(heartbeatMs), u: url, b: message('heartbeat', 0, -1), s: seq })
    );

  // Chrome throttles timer chains of hidden tabs to once a minute, and a blocked main thread
  // runs none; a dedicated worker's timers go on. The worker is a same-origin script
  // (farewell-worker.js next to the endpoint, served from the jar: CSP `worker-src 'self'`, no
  // blob:). Where it cannot run (404, CSP, another origin) page timers take over.
  // https://developer.chrome.com/blog/timer-throttling-in-chrome-88
  const startWorker = () =>
    attempt(() => {
      const wk = new Worker(new URL(workerSrc || 'farewell-worker.js', url));
      wk.onmessage = (e) =>
        attempt(() => {
          const [s, status, h, j] = e.data;
          if (wk != worker || away) return;
          seq = Math.max(seq, s);
          // The worker posts [seq] as each beat leaves, then the answer: the watch judges it by its
          // beats, not by answers (a server stalling its answers is no dead worker).
          wait(lost, 3 * heartbeatMs);
          status < 0 ? lost() : status == null || answer(status, h, j);
        });
      wk.onerror = lost; // only the current worker can fail: a dropped one was terminated
      worker = wk;
    });
  const dropWorker = () => {
    attempt(() => worker.terminate());
    worker = 0;
  };

  // Firefox terminates the script that runs while it tears a closed tab down, wherever it
  // is (uncatchable: no catch or finally runs), and then runs the next listeners. So the
  // exit counts as sent only once a transport took it, and a second pagehide listener and
  // the visibilitychange that follows pagehide in Firefox send it if it was cut short;
  // a second copy of the same message (same seq) changes nothing at the server.
  // The deferred exit is withdrawn on the way into the back/forward cache (entering it would send
  // the exit); the `hidden` message re-arms it only on a page that is not away (so not on entering
  // the cache). A frozen page keeps it: should the browser discard the tab, the exit goes out.
  const hide = () => {
    hiddenSent || away > 1 ? away && disarm() : send('hidden');
    hiddenSent = 1;
  };
  // A page shown again (or for the first time) starts over: a click before it was hidden no
  // longer marks its exit.
  const show = (type) => {
    away = bye = closing = navEvent = 0;
    schedule(jitter(heartbeatMs));
    send(type);
    hiddenSent = isHidden();
  };
  // Gone (exit, or into the back/forward cache): no beat from the worker or the page.
  const quiet = () => {
    wait();
    post(1e9);
  };
  const exit = (navigation) => {
    if (away > 1) return;
    disarm();
    bye = bye || message('exit', navigation);
    // By both transports (the server ignores the second copy: same seq). Firefox drops a
    // queued beacon when the closed tab was the last of its content process (2 to 3 closes
    // in 100), while a keepalive fetch (Firefox 133+) outlives the process.
    if (!!viaFetch(bye) | viaBeacon(bye)) away = 2;
    quiet(); // after the send: Firefox may cut this listener at any call
  };
  // Whether a link's or form's target names this page. An empty target is none: the document's
  // <base target> applies (Chromium, WebKit, and Firefox for links, as the web-platform-tests'
  // base_multiple.html expects; the spec's prose would keep the empty value, which means _self),
  // and without one the page itself. Keywords are ASCII case-insensitive; _top and _parent name the
  // page itself outside a frame (window.top is unforgeable); any other name, this window's own.
  const own = (t) =>
    !(t = t || attempt(() => doc.querySelector('base[target]').target)) ||
    /^_self$/i.test(t) ||
    (top == w && /^_(top|parent)$/i.test(t)) ||
    t == w.name;
  const navigating = () => navEvent && !navEvent.defaultPrevented && mono() - navAt < NAV_WINDOW;
  // link: a link to a fragment of this document (a bare "#" too) only scrolls: no pagehide follows,
  // and a mark would stretch the next real exit (a closed tab) into the navigation grace. A form
  // always loads (a POST to "#comments" too).
  const leaving = (e, href, link) => {
    const to = new URL(href, doc.baseURI); // an attribute's URL is relative to <base href>
    // another host (a plain exit; a blob: or data: URL has none: it loads nothing of the
    // application, a blob: link shows or downloads a file of this page), or (link) this document
    // with a fragment, empty or not. (The host, not the origin: http and https of one host count
    // as one application, and a blob: URL's origin is the page's.)
    if (to.host != location.host || (link && to.href.startsWith(new URL('#', location).href))) return;
    // Checked at pagehide: by then a router that handles the click has called preventDefault.
    navEvent = e;
    navAt = mono();
  };

  const onPagehide = (e) => {
    // Into the back/forward cache after an in-app navigation too: the navigation hands the
    // session to the next page, so say exit (navigation grace), or a tab closed on that next page
    // would wait for this cached page's hidden timeout. A restore revives this page with
    // `resume` (a newer seq).
    if ((closing = !e.persisted) || navigating()) return exit(navigating());
    away = away || 1; // first: the `hidden` must not re-arm the deferred exit (see hide)
    quiet();
    hide();
  };
  const handlers = [
    [doc, 'visibilitychange', () => (closing ? exit() : !away && (isHidden() ? hide() : show('visible')))],
    [w, 'pagehide', onPagehide],
    [w, 'pagehide', onPagehide, 1], // in the bubble phase: a second chance in Firefox
    [w, 'pageshow', (e) => e.persisted && show('resume')],
    // A frozen page says hidden (if it has not) and keeps its deferred exit (see hide).
    [doc, 'freeze', hide],
    [doc, 'resume', () => !away && show('resume')],
    [doc, 'prerenderingchange', () => away == 3 && open()],
    [
      w,
      'click',
      (e) => {
        navEvent = 0; // a later click (to another site, or a download) ends an earlier one
        // The composed path: the link may sit in an open shadow root (e.target is then the host),
        // or the click may land on content slotted into a shadow root's link, of which it is no
        // descendant. An image map's <area>, and SVG's <a>: its href is an SVGAnimatedString whose
        // baseVal is the href or xlink:href attribute, unresolved ('' without a link). No link
        // at all (no <a> or <area> in the path): `a.href` throws, and the click is no navigation;
        // so does a browser without composedPath (EdgeHTML): its exits go unmarked.
        const a = e.composedPath().find((n) => /^a(rea)?$/.test(n.localName));
        let h = a.href;
        if (h.baseVal != null) h = h.baseVal;
        if (h && !e.button && !(e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) &&
            own(a.getAttribute('target')) && !a.hasAttribute('download'))
          leaving(e, h, 1);
      },
    ],
    [
      w,
      'submit',
      (e) => {
        // Attributes, not properties: a field named action, method or target shadows the form's
        // property (form.action is then the <input>). The button that submitted replaces each with
        // its formaction, formmethod, formtarget when it has them (empty ones too).
        const s = e.submitter;
        const at = (n) => (s && s.hasAttribute('form' + n) ? s.getAttribute('form' + n) : e.target.getAttribute(n));
        // an empty action is the document's own URL (not <base href>)
        /^dialog$/i.test(at('method')) || !own(at('target')) || leaving(e, at('action') || location);
      },
    ],
    // The Navigation API (Chromium 102+, Firefox) also reports script-driven navigations: form.submit(),
    // location.assign() after preventDefault (JSF's commandLink). A download stays on this page.
    // (w.navigation, w.name: a page's own top-level `const navigation` or `let name` would hide
    // the window's from a bare name.)
    [
      w.navigation,
      'navigate',
      (e) => e.downloadRequest != null || e.destination.sameDocument || leaving(e, e.destination.url),
    ],
    // A navigation a router intercepted (NavigateEvent.intercept) has stayed in this document: its
    // mark ends (a cross-document navigation fires no navigatesuccess here).
    [w.navigation, 'navigatesuccess', () => (navEvent = 0)],
  ];
  // Each handler is wrapped once (the same wrapper removes it): guarded, and inert once stopped.
  const listen = (on) =>
    handlers.forEach(([target, type, fn, bubble]) =>
      attempt(() =>
        target[on ? 'addEventListener' : 'removeEventListener'](
          type,
          (fn.f = fn.f || ((e) => attempt(() => live && fn(e)))),
          !bubble
        )
      )
    );

  const open = () => {
    workerSrc === false || startWorker();
    show('open');
  };

  // (options: the tag's dataset, or what the page passed; missing: the defaults)
  const start = (o = {}) => {
    attempt(() => {
      stop();
      // a string, so that no odd value can make JSON.stringify throw at a later beat
      token = o.token ? '' + o.token : undefined;
      // resolved against the page's own URL, never the document's base URL (<base href> may name a CDN)
      url = new URL(o.endpoint || '/farewell/beacon', location).href;
      onReleased = o.onReleased;
      workerSrc = o.worker;
      live = {};
      backoffUntil = refusals = 0;
      lastOk = mono();
      heartbeatMs = 5e3;
      away = 3;
      listen(1);
      // A page prerendered by Speculation Rules is not seen yet: it says open (and holds a
      // session) only once the user is shown it (prerenderingchange).
      // https://developer.chrome.com/docs/web-platform/prerender-pages
      attempt(() => doc.prerendering) || open();
    });
  };

  // Each step guards its own browser calls.
  const stop = () => {
    if (live) {
      live = 0;
      listen(0);
      disarm();
      wait();
      dropWorker();
    }
  };

  // exit and stop guard each browser call
  const logout = () => {
    live && (exit(), stop());
  };

  // guarded: a page may have made `Farewell` a read-only (falsy) property
  attempt(() => (w.Farewell = Object.freeze({
    start,
    stop,
    logout,
    pageId, // read-only: the object is frozen
    get running() {
      return !!live;
    },
    // true while a worker's timer drives the beat (false: main-thread timers)
    get worker() {
      return !!worker;
    },
  })));

  // alert(), confirm(), prompt() and print() block the main thread until the user answers. The
  // worker beats on in Chromium and Firefox, but in WebKit its requests wait for the main thread
  // (WebKitGTK 2.50), and without a worker nothing beats: so the page says hidden just before the
  // dialog opens, and the server holds it for the hidden timeout, as a background tab; its next
  // beat (the worker's held ones, in WebKit) says its real state again. The deferred exit stays
  // armed: it goes out only if the page's document ends meanwhile. A replacement the page made
  // before is wrapped too; `this`, the arguments, the result and what it throws pass through.
  // (attempt gives no argument: f is read inside its try, where a throwing getter is caught.)
  ['alert', 'confirm', 'prompt', 'print'].forEach((n) =>
    attempt(
      (f = w[n]) =>
        f.call &&
        (w[n] = function (...a) {
          live && !away && send('hidden');
          return f.apply(this, a);
        })
    )
  );

  if (tag) start(tag);
})();
