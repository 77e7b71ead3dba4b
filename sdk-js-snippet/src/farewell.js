/*! Farewell snippet | Apache-2.0 | https://farewell.dev */
// Tells the server when this page goes away (wire protocol v1, docs/protocol.md):
// an exit beacon on pagehide, `hidden` on visibilitychange, heartbeats in between.
// Rules: ES2017, no dependencies, one global (Farewell), every browser call guarded,
// nothing ever thrown into the host page.
(() => {
  'use strict';
  const w = typeof window == 'object' && window;
  if (!w || w.Farewell) return;

  const doc = w.document;
  // A link click or form submit counts as in-app navigation if the page goes
  // away within this many ms of it (a slow server can take a while to answer).
  const NAV_WINDOW = 1e4;
  const noop = () => {};
  const attempt = (fn, fallback) => {
    try {
      return fn();
    } catch (e) {
      return fallback;
    }
  };
  const now = () => Date.now();

  const pageId =
    attempt(() => w.crypto.randomUUID()) ||
    Math.random().toString(36).slice(2) + now().toString(36);
  const script = attempt(() => doc.currentScript);
  // /farewell/farewell.js -> /farewell/beacon
  const defaultEndpoint = attempt(() => new w.URL('beacon', script.src).href) || '/farewell/beacon';

  let seq = 0;
  let live = false;
  let token, url, onReleased;
  let away; // 0: page shown, 1: in the back/forward cache, 2: exit sent in this page life
  let hiddenSent;
  let heartbeatMs;
  let backoffUntil;
  let timer, due, worker, workerUrl;
  let deferred; // AbortController of the armed fetchLater exit
  let navEvent, navAt;

  const isHidden = () => attempt(() => doc.visibilityState == 'hidden', false);

  // A `hidden` message says hidden:true even where the page is still visible (pagehide into
  // the back/forward cache fires before visibilitychange).
  const message = (type, navigation) =>
    JSON.stringify(
      Object.assign(
        { v: 1, type, token, page: pageId, seq: ++seq },
        type == 'exit' ? navigation && { nav: true } : { hidden: type == 'hidden' || isHidden() }
      )
    );

  // fetch with keepalive can read the answer and still outlives the page.
  const viaFetch = (body, read) =>
    attempt(() => {
      w.fetch(url, { method: 'POST', body, keepalive: true })
        .then(read ? answer : noop)
        .catch(noop);
      return 1;
    });
  // sendBeacon of a string goes as text/plain: no CORS preflight, queued even while unloading.
  const viaBeacon = (body) => attempt(() => w.navigator.sendBeacon(url, body));

  const send = (type, navigation) => {
    if (type != 'exit' && now() < backoffUntil) return;
    const body = message(type, navigation);
    if (type == 'exit' || type == 'hidden') viaBeacon(body) || viaFetch(body);
    else viaFetch(body, 1) || viaBeacon(body);
    if (type != 'exit') arm();
  };

  // fetchLater (Chrome 135+) sends the armed exit if the renderer dies or the tab is
  // killed; re-armed after every message, aborted before a real exit is sent.
  // https://developer.mozilla.org/docs/Web/API/Window/fetchLater
  const disarm = () => {
    attempt(() => deferred.abort());
    deferred = 0;
  };
  const arm = () => {
    disarm();
    if (live && !away && w.fetchLater && w.AbortController)
      attempt(() => {
        const ac = new w.AbortController();
        w.fetchLater(url, {
          method: 'POST',
          body: message('exit'),
          signal: ac.signal,
          activateAfter: 3 * heartbeatMs + Math.max(0, backoffUntil - now()),
        });
        deferred = ac;
      });
  };

  const answer = (r) => {
    const status = r.status;
    if (!live) return;
    if (status == 429) {
      const h = attempt(() => r.headers.get('Retry-After'));
      let ms = h ? (+h >= 0 ? h * 1e3 : Date.parse(h) - now()) : 0;
      ms = Math.min(Math.max(ms || 0, heartbeatMs), 6e5);
      backoffUntil = now() + ms;
      schedule(ms);
      arm();
      return;
    }
    return r
      .json()
      .catch(noop)
      .then((j) => {
        j = j || {};
        if (!live) return;
        if (status == 410) return release(j.reason || 'UNKNOWN');
        if (j.status != 'live') return;
        const ms = +j.heartbeatMs;
        const changed = (j.token && j.token != token) || (ms >= 1e3 && ms != heartbeatMs);
        if (j.token) token = '' + j.token;
        if (ms >= 1e3 && ms != heartbeatMs) schedule(jitter((heartbeatMs = ms)));
        if (changed) arm();
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
  const beat = () => {
    if (!live || away) return;
    schedule(jitter(heartbeatMs));
    send('heartbeat');
  };
  const schedule = (ms) => {
    due = ms;
    attempt(() => w.clearTimeout(timer));
    if (!attempt(() => (worker.postMessage(ms), 1))) timer = attempt(() => w.setTimeout(beat, ms));
  };

  // Chrome throttles timer chains of hidden tabs to once a minute; a dedicated
  // worker's timers are not throttled that way. Blocked by CSP (worker-src) the
  // worker fails at once or with an error event: main-thread timers take over.
  // https://developer.chrome.com/blog/timer-throttling-in-chrome-88
  const WORKER_SRC = 'let t;onmessage=e=>{clearTimeout(t);t=setTimeout(()=>postMessage(0),e.data)}';
  const startWorker = () =>
    attempt(() => {
      workerUrl = w.URL.createObjectURL(new w.Blob([WORKER_SRC], { type: 'text/javascript' }));
      const wk = new w.Worker(workerUrl);
      wk.onmessage = () => wk == worker && beat();
      wk.onerror = () => {
        if (wk != worker) return;
        dropWorker();
        schedule(due);
      };
      worker = wk;
    });
  const dropWorker = () => {
    attempt(() => worker.terminate());
    attempt(() => w.URL.revokeObjectURL(workerUrl));
    worker = workerUrl = 0;
  };

  const hide = () => {
    if (!hiddenSent && !away) send('hidden');
    hiddenSent = 1;
  };
  const show = (type) => {
    away = hiddenSent = 0;
    send(type);
    schedule(jitter(heartbeatMs));
  };
  const exit = (navigation) => {
    if (away == 2) return;
    disarm();
    away = 2;
    send('exit', navigation);
  };
  const navigating = () => !!navEvent && !navEvent.defaultPrevented && now() - navAt < NAV_WINDOW;
  const leaving = (e, href) => {
    const here = w.location;
    const to = new w.URL(href, here.href);
    if (to.origin != here.origin) return; // leaves the application: a plain exit
    if (to.hash && to.href.split('#')[0] == here.href.split('#')[0]) return; // same document
    // Checked at pagehide: by then a router that handles the click has called preventDefault.
    navEvent = e;
    navAt = now();
  };

  const handlers = [
    [doc, 'visibilitychange', () => !away && (isHidden() ? hide() : show('visible'))],
    [
      w,
      'pagehide',
      (e) => {
        if (!e.persisted) return exit(navigating());
        // Going into the back/forward cache: fetchLater would fire on entering it.
        hide();
        disarm();
        away = away || 1;
      },
    ],
    [w, 'pageshow', (e) => e.persisted && ((navEvent = 0), show('resume'))],
    // A frozen page runs no timer, so its armed fetchLater would fire while it may still
    // resume: disarm it and let the hidden timeout decide; resume re-arms.
    [doc, 'freeze', () => (hide(), disarm())],
    [doc, 'resume', () => !away && show('resume')],
    [
      w,
      'click',
      (e) => {
        // composedPath: a link inside an open shadow root, where e.target is the host
        const a = (e.composedPath ? e.composedPath()[0] : e.target).closest('a[href]');
        if (a && !e.button && !(e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) &&
            (!a.target || a.target == '_self') && !a.hasAttribute('download'))
          leaving(e, a.href);
      },
    ],
    [
      w,
      'submit',
      (e) => {
        const f = e.target;
        if ((!f.target || f.target == '_self') && f.method != 'dialog') leaving(e, f.action);
      },
    ],
  ].map(([target, type, fn]) => [target, type, (e) => attempt(() => live && fn(e))]);
  const listen = (on) =>
    handlers.forEach(([target, type, fn]) =>
      attempt(() => target[on ? 'addEventListener' : 'removeEventListener'](type, fn, { capture: true, passive: true }))
    );

  function start(options) {
    attempt(() => {
      const o = options || {};
      stop();
      token = o.token || undefined;
      url = o.endpoint || defaultEndpoint;
      onReleased = o.onReleased;
      live = true;
      away = backoffUntil = navEvent = 0;
      heartbeatMs = 5e3;
      listen(1);
      startWorker();
      send('open');
      hiddenSent = isHidden();
      schedule(jitter(heartbeatMs));
    });
  }

  function stop() {
    attempt(() => {
      if (!live) return;
      live = false;
      listen(0);
      disarm();
      attempt(() => w.clearTimeout(timer));
      dropWorker();
    });
  }

  function logout() {
    attempt(() => {
      if (!live) return;
      exit();
      stop();
    });
  }

  w.Farewell = Object.freeze({
    start,
    stop,
    logout,
    get pageId() {
      return pageId;
    },
    get running() {
      return live;
    },
    // true while a worker's timer drives the beat (false: main-thread timers)
    get worker() {
      return !!worker;
    },
  });

  if (attempt(() => script.hasAttribute('data-token') || script.hasAttribute('data-endpoint')))
    start({ token: script.getAttribute('data-token'), endpoint: script.getAttribute('data-endpoint') });
})();
