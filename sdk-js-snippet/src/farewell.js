/*! Farewell snippet | Apache-2.0 | https://farewell.dev */
// Tells the server when this page goes away (wire protocol v1, docs/protocol.md):
// an exit beacon on pagehide, `hidden` on visibilitychange, heartbeats in between.
// Rules: ES2017, no dependencies, one global (Farewell), every browser call guarded,
// nothing ever thrown into the host page.
(() => {
  'use strict';
  const w = typeof window == 'object' && window;
  if (!w) return;

  const doc = w.document;
  // A link click or form submit counts as in-app navigation if the page goes
  // away within this many ms of it (a slow server can take a while to answer).
  const NAV_WINDOW = 1e4;
  const noop = () => {};
  // Runs fn; undefined if it throws.
  const attempt = (fn) => {
    try {
      return fn();
    } catch (e) {
      // a throwing page getter or a missing API: carry on
    }
  };
  // Back-off deadlines on a monotonic clock: a wall clock set back must not hold the beats.
  const mono = () => attempt(() => w.performance.now());

  const pageId =
    attempt(() => w.crypto.randomUUID()) ||
    (Math.random() + '').slice(2) + Date.now();
  const script = attempt(() => doc.currentScript);
  const tag = attempt(
    () =>
      (script.hasAttribute('data-token') || script.hasAttribute('data-endpoint')) && {
        token: script.getAttribute('data-token'),
        endpoint: script.getAttribute('data-endpoint'),
      }
  );
  // A second copy of the script leaves the first in charge, and starts it if its own tag says
  // so and the first has not started. An element with id="Farewell" (named access on window)
  // is no copy.
  const first = attempt(() => w.Farewell);
  if (attempt(() => first.start)) return attempt(() => tag && !first.running && first.start(tag));
  // The page's own origin unless the page names another endpoint: never the script's URL,
  // which may be a CDN's or a bundle's, and must not receive the page's token.

  let seq = 0;
  let live = false;
  let life = 0; // grows with every stop: an answer to a message of an earlier start is ignored
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
  // them only from their answers: each message of the page jumps 2^20 (two months of beats)
  // ahead, so that it is newer than every beat the worker sent before it, answered or not.
  const message = (type, navigation, n = (seq += 2 ** 20)) =>
    JSON.stringify(
      Object.assign(
        { v: 1, type, token, page: pageId, seq: n },
        type == 'exit' ? navigation && { nav: true } : { hidden: type == 'hidden' || isHidden() }
      )
    );

  // fetch with keepalive can read the answer and still outlives the page.
  // Only an answer to a message of the current start is read (`from`: its life, else undefined).
  // A network error (server down, or a cross-origin refusal without CORS headers, which a page
  // cannot tell apart) is answered like a refusal: it backs off instead of polling every beat.
  const viaFetch = (body, from) =>
    attempt(() => {
      w.fetch(url, { method: 'POST', body, keepalive: true })
        .catch(noop)
        .then(
          (r) => from === life && answer(r ? r.status : 0, attempt(() => r.headers.get('Retry-After')), r && r.json().catch(noop), from)
        )
        .catch(noop);
      return 1;
    });
  // sendBeacon of a string goes as text/plain: no CORS preflight, queued even while unloading.
  const viaBeacon = (body) => attempt(() => w.navigator.sendBeacon(url, body));

  const send = (type) => {
    // Only heartbeats wait out a back-off: a change of state (hidden, visible, resume) is rare
    // and the server must know it, or a page in the back/forward cache would time out as visible.
    if (type == 'heartbeat' && mono() < backoffUntil) return arm();
    const body = message(type);
    // (the exit goes by exit(), never here)
    type == 'hidden' ? viaBeacon(body) || viaFetch(body) : viaFetch(body, life) || viaBeacon(body);
    arm();
  };

  // fetchLater (Chrome 135+) sends the armed exit if the renderer dies or the tab is
  // killed; re-armed after every message, aborted before a real exit is sent.
  // https://developer.mozilla.org/docs/Web/API/Window/fetchLater
  // (aborting an aborted controller again does nothing)
  const disarm = () => attempt(() => deferred.abort());
  // Armed on hidden pages only: a visible page can be blocked by alert() or a long task for any
  // time (its worker beats on), and no activateAfter is long enough for that.
  const arm = () => {
    // A deferred exit that fired while the page lives: say at once that it lives.
    attempt(() => later.activated && viaFetch(message('heartbeat'), life));
    later = 0;
    disarm();
    // The feature checks run inside attempt too: a page's throwing getter cannot stop a beat.
    attempt(() => {
      if (live && !away && isHidden() && w.fetchLater) {
        deferred = new w.AbortController();
        later = w.fetchLater(url, {
          method: 'POST',
          body: message('exit'),
          signal: deferred.signal,
          // Three beats missed, counted in the longest gap the page's timers can have now:
          // page timers of a hidden page (no worker) run once a minute in Chrome.
          activateAfter: 3 * heartbeatMs + (worker ? 0 : 6e4) + Math.max(0, backoffUntil - mono()),
        });
      }
    });
    // After the armed exit took its seq: the worker's next beats are newer, so that they
    // revive the page if the exit fires while the worker still beats (a blocked main thread).
    post();
  };

  // (status, Retry-After header, the JSON body or its promise, life the message was sent in)
  const answer = (status, h, json, from) => {
    // 401: the token is missing, forged or expired (in cookie mode: no session); 403: this
    // origin is refused. Asking again cannot change either: stop, and tell the page.
    if (status == 401 || status == 403) return release(status == 401 ? 'UNAUTHORIZED' : 'FORBIDDEN');
    // 429, 503 (server full, closing or without its store), a network error, and anything
    // else unexpected (400: a message the server does not take, 404: a wrong endpoint, a
    // proxy's 502...): send no heartbeat for Retry-After (the server accepts that its timeout
    // may pass), else retry until the server's deadline (below). One odd answer does not end
    // the page; a lasting one costs a request a minute.
    if (status != 200 && status != 410) {
      if (!h && !worker && isHidden() && !refusals++) return send('heartbeat');
      // seconds, or an HTTP date (without the header: NaN)
      let ms = h * 1e3 || Date.parse(h) - Date.now();
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
      arm();
      return;
    }
    refusals = backoffUntil = 0;
    lastOk = mono();
    return Promise.resolve(json)
      .then((j) => {
        j = j || {};
        if (from !== life) return;
        if (status == 410) return release(j.reason || 'UNKNOWN');
        if (j.status != 'live') return;
        // 1 s to about a day: past 2^31 ms setTimeout wraps to 0 (a tight loop)
        const ms = +j.heartbeatMs < 1e8 && +j.heartbeatMs;
        if (j.token) token = '' + j.token;
        if (ms >= 1e3 && ms != heartbeatMs) schedule(jitter((heartbeatMs = ms)));
        arm(); // the deferred exit and the worker's heartbeat carry the newest token and interval
      });
  };

  const release = (reason) => {
    const cb = onReleased;
    stop();
    attempt(() => cb(reason));
    attempt(() => w.dispatchEvent(new w.CustomEvent('farewell:released', { detail: { reason } })));
  };

  // Beats come 0-20% early so that jitter never pushes one past the server's timeout.
  const jitter = (ms) => ms * (0.8 + 0.2 * Math.random());
  // Called by timers: schedule and send guard each browser call, so nothing throws into the page.
  const beat = () => live && !away && (schedule(jitter(heartbeatMs)), send('heartbeat'));
  // With a worker, a page timer only watches it: a worker silent for two intervals past its due
  // beat is dropped and page timers take over.
  const wait = (fn, ms) => {
    attempt(() => w.clearTimeout(timer));
    due = mono() + ms;
    timer = fn && attempt(() => w.setTimeout(fn, ms));
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
      const wk = new w.Worker(new w.URL(workerSrc || 'farewell-worker.js', url));
      wk.onmessage = (e) =>
        attempt(() => {
          const [s, status, h, j] = e.data;
          if (wk != worker || away) return;
          seq = Math.max(seq, s);
          status < 0 ? lost() : (wait(lost, 3 * heartbeatMs), answer(status, h, j, life), arm());
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
  const hide = () => {
    if (!hiddenSent && away < 2) send('hidden');
    hiddenSent = 1;
  };
  const show = (type) => {
    away = hiddenSent = bye = closing = 0;
    send(type);
    schedule(jitter(heartbeatMs));
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
    if (viaFetch(bye) | viaBeacon(bye)) away = 2;
    quiet(); // after the send: Firefox may cut this listener at any call
  };
  // A link or form without a target of its own takes the document's <base target>.
  const own = (t) => !(t = t || attempt(() => doc.querySelector('base[target]').target)) || t == '_self';
  const navigating = () => navEvent && !navEvent.defaultPrevented && mono() - navAt < NAV_WINDOW;
  const leaving = (e, href) => {
    const here = w.location;
    const to = new w.URL(href, doc.baseURI); // an attribute's URL is relative to <base href>
    if (to.origin != here.origin) return; // leaves the application: a plain exit
    if (to.hash && to.href.split('#')[0] == here.href.split('#')[0]) return; // same document
    // Checked at pagehide: by then a router that handles the click has called preventDefault.
    navEvent = e;
    navAt = mono();
  };

  const onPagehide = (e) => {
    if (!e.persisted) return (closing = 1), exit(navigating());
    // Going into the back/forward cache: fetchLater would fire on entering it.
    disarm();
    // An in-app navigation hands the session to the next page: say exit (navigation grace),
    // or a tab closed on that next page would wait for this cached page's hidden timeout.
    // A restore revives this page with `resume` (a newer seq).
    if (navigating()) return exit(1);
    away = away || 1; // first: the `hidden` must not re-arm the deferred exit
    quiet();
    hide();
  };
  const handlers = [
    [doc, 'visibilitychange', () => (closing ? exit() : !away && (isHidden() ? hide() : show('visible')))],
    [w, 'pagehide', onPagehide],
    [w, 'pagehide', onPagehide, 1], // in the bubble phase: a second chance in Firefox
    [w, 'pageshow', (e) => e.persisted && ((navEvent = 0), show('resume'))],
    // A frozen page runs no timer, so its armed fetchLater would fire while it may still
    // resume: disarm it and let the hidden timeout decide; resume re-arms.
    [doc, 'freeze', () => (hide(), disarm())],
    [doc, 'resume', () => !away && show('resume')],
    [doc, 'prerenderingchange', () => away == 3 && open()],
    [
      w,
      'click',
      (e) => {
        navEvent = 0; // a later click (to another site, or a download) ends an earlier one
        // composedPath: a link inside an open shadow root, where e.target is the host.
        // An image map's <area>, and SVG's <a>, whose link may be xlink:href (a[href] misses it)
        // and whose href property is no string (an SVGAnimatedString): attributes, resolved later.
        const a = (e.composedPath ? e.composedPath()[0] : e.target).closest('a,area');
        const h = a && a.getAttribute(a.hasAttribute('href') ? 'href' : 'xlink:href');
        if (h != null && !e.button && !(e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) &&
            own(a.getAttribute('target')) && !a.hasAttribute('download'))
          leaving(e, h);
      },
    ],
    [
      w,
      'submit',
      (e) => {
        // Attributes, not properties: an <input name="target"> shadows form.target. The
        // button that submitted may name its own action and target.
        const f = e.target;
        const s = e.submitter;
        if (own(attempt(() => s.getAttribute('formtarget')) || f.getAttribute('target')) && f.method != 'dialog')
          leaving(e, attempt(() => s.hasAttribute('formaction') && s.formAction) || f.action);
      },
    ],
    // The Navigation API (Chromium 102+) also reports script-driven navigations: form.submit(),
    // location.assign() after preventDefault (JSF's commandLink).
    [
      attempt(() => w.navigation),
      'navigate',
      (e) => e.destination.sameDocument || leaving(e, e.destination.url),
    ],
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
    hiddenSent = isHidden();
  };

  const start = (options) => {
    attempt(() => {
      const o = options || {};
      stop();
      // a string, so that no odd value can make JSON.stringify throw at a later beat
      token = o.token ? '' + o.token : undefined;
      // resolved against the page's own URL, never the document's base URL (<base href> may name a CDN)
      url = new w.URL(o.endpoint || '/farewell/beacon', w.location).href;
      onReleased = o.onReleased;
      workerSrc = o.worker;
      live = true;
      backoffUntil = refusals = navEvent = bye = 0;
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
      live = false;
      life++;
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
      return live;
    },
    // true while a worker's timer drives the beat (false: main-thread timers)
    get worker() {
      return !!worker;
    },
  })));

  if (tag) start(tag);
})();
