'use strict';
// A small fake browser for the snippet's unit tests: a vm context standing in for
// `window`, with a document, visibility, events, a manual clock, sendBeacon, fetch,
// fetchLater, Blob URLs and a Worker that really runs the worker source it is given.
// Every API is a plain property, so a test can delete it or make it throw before load().
const vm = require('node:vm');
const fs = require('node:fs');
const path = require('node:path');
const { randomUUID } = require('node:crypto');

const ROOT = path.join(__dirname, '..');
/** The builds under test: every suite runs against both. */
const TARGETS = {
  source: fs.readFileSync(path.join(ROOT, 'src', 'farewell.js'), 'utf8'),
  dist: fs.readFileSync(path.join(ROOT, 'dist', 'farewell.min.js'), 'utf8'),
};

const ORIGIN = 'https://app.example';
const PAGE_URL = ORIGIN + '/orders/42?tab=items';
const SCRIPT_SRC = ORIGIN + '/farewell/farewell.js';
// What the snippet posts to by default: the page's own origin (never the document's base URL).
const BEACON_URL = ORIGIN + '/farewell/beacon';
// The worker script the server serves next to the endpoint (sdk-servlet: {base}/farewell-worker.js).
const WORKER_URL = ORIGIN + '/farewell/farewell-worker.js';
const WORKER_SOURCE = fs.readFileSync(path.join(ROOT, 'src', 'farewell-worker.js'), 'utf8');

const settle = () => new Promise((resolve) => setImmediate(resolve));

class FakeEventTarget {
  constructor() {
    this.listeners = [];
  }
  addEventListener(type, fn, options) {
    this.listeners.push({ type, fn, options });
  }
  removeEventListener(type, fn, options) {
    const capture = typeof options === 'object' && options !== null ? !!options.capture : !!options;
    this.listeners = this.listeners.filter((l) => {
      const lc = typeof l.options === 'object' && l.options !== null ? !!l.options.capture : !!l.options;
      return !(l.type === type && l.fn === fn && lc === capture);
    });
  }
  dispatchEvent(event) {
    // Capture listeners before the others, as for an event at its target (window or document).
    const capture = (l) => (typeof l.options === 'object' && l.options !== null ? !!l.options.capture : !!l.options);
    const listeners = this.listeners.slice().filter((l) => l.type === event.type);
    for (const l of listeners.filter(capture).concat(listeners.filter((l) => !capture(l)))) {
      const b = this.browser;
      // A listener the browser terminates (see createBrowser's `terminate`) runs no further: every
      // browser API it calls after the cut fails. Real termination also skips its catch and finally
      // blocks, so nothing a terminated listener does after the cut may count on having run.
      const cut = b && b.terminate && b.terminate(event, l);
      if (cut !== undefined && cut !== false) b.cutAfter = cut === true ? 0 : cut;
      try {
        l.fn.call(this, event);
      } finally {
        b && (b.cutAfter = undefined);
      }
    }
    return !event.defaultPrevented;
  }
}

function makeEvent(type, props) {
  return Object.assign(
    {
      type,
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    },
    props
  );
}

/**
 * Whether a fake element matches a selector list of `tag` and `tag[attr]` parts. As in a browser,
 * `[href]` matches an attribute named href only, never the namespaced `xlink:href` of SVG.
 */
function matches(el, selector) {
  return selector.split(',').some((part) => {
    const [, tag, attr] = /^\s*([a-z]+)(?:\[([a-z:-]+)\])?\s*$/i.exec(part) || [];
    if (!tag) throw new Error('fake closest() does not know the selector ' + selector);
    return el.localName === tag.toLowerCase() && (!attr || el.hasAttribute(attr));
  });
}

/**
 * A fake DOM element: enough for links, image-map areas, forms and the script tag. `svg`: an
 * element of the SVG namespace (tagName keeps its case; `href` is an SVGAnimatedString holding
 * the attribute `href`, else `xlink:href`, unresolved).
 */
function element(tag, attrs, parent, svg, base = () => PAGE_URL) {
  const el = {
    tagName: svg ? tag : tag.toUpperCase(),
    localName: tag,
    parent: parent || null,
    attrs: Object.assign({}, attrs),
    getAttribute(name) {
      return Object.prototype.hasOwnProperty.call(this.attrs, name) ? this.attrs[name] : null;
    },
    hasAttribute(name) {
      return Object.prototype.hasOwnProperty.call(this.attrs, name);
    },
    closest(selector) {
      for (let e = this; e; e = e.parent) if (matches(e, selector)) return e;
      return null;
    },
  };
  // dataset: the data-* attributes, camel-cased, live
  el.dataset = new Proxy({}, {
    get: (t, k) => (typeof k === 'string' ? el.getAttribute('data-' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())) ?? undefined : undefined),
    has: (t, k) => el.hasAttribute('data-' + String(k).replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())),
  });
  if (svg) {
    const value = () => (el.hasAttribute('href') ? el.attrs.href : el.getAttribute('xlink:href') || '');
    el.href = { get baseVal() { return value(); }, get animVal() { return value(); } };
    el.target = { baseVal: el.getAttribute('target') || '' };
    return el;
  }
  // The target property reflects the attribute only: a <base target> is not reflected in it.
  Object.defineProperty(el, 'target', { get: () => el.getAttribute('target') || '', configurable: true });
  // href: the attribute resolved against the document's base URL (<base href>), '' without one
  if (tag === 'a' || tag === 'area')
    Object.defineProperty(el, 'href', { get: () => (el.hasAttribute('href') ? new URL(el.attrs.href, base()).href : ''), configurable: true });
  // action and formAction: the document's URL when the attribute is missing or empty; method: the
  // enumerated attribute, lower case, GET when missing or invalid (formMethod: '' when missing).
  const url = (name) => (el.getAttribute(name) ? new URL(el.getAttribute(name), base()).href : PAGE_URL);
  const method = (name, missing) => {
    const m = (el.getAttribute(name) || '').toLowerCase();
    return !el.hasAttribute(name) ? missing : ['get', 'post', 'dialog'].includes(m) ? m : 'get';
  };
  if (tag === 'form') {
    Object.defineProperty(el, 'action', { get: () => url('action'), configurable: true });
    Object.defineProperty(el, 'method', { get: () => method('method', 'get'), configurable: true });
  }
  if (tag === 'button' || tag === 'input') {
    el.formAction = url('formaction');
    el.formMethod = method('formmethod', '');
    el.formTarget = el.getAttribute('formtarget') || '';
  }
  if (tag === 'script') el.src = el.attrs.src ? new URL(el.attrs.src, PAGE_URL).href : '';
  return el;
}

/**
 * Creates a fake browser window.
 * @param {object} [options]
 * @param {string} [options.target] 'source' or 'dist'
 * @param {object|null} [options.script] attributes of the <script> tag running the snippet; null: none
 * @param {string} [options.visibility] initial document.visibilityState
 * @param {boolean} [options.throttle] Chrome's intensive throttling: page timers of a hidden page run
 *   at most once a minute
 * @param {boolean} [options.frame] the page runs in a frame: window.top and window.parent are another window
 * @param {string} [options.name] the window's name (window.name), '' by default
 * @param {boolean} [options.prerendering] a page prerendered by Speculation Rules (Chrome): it starts
 *   hidden with document.prerendering true until b.activate(); without the option the document has
 *   no `prerendering` property at all, as in browsers without prerendering
 * @param {string} [options.engine] 'webkit': no fetchLater, and while the main thread is blocked
 *   (b.block) the worker's requests wait for it, as in WebKitGTK 2.50; by default (Chromium,
 *   Firefox) they leave at once
 */
function createBrowser(options = {}) {
  const opts = Object.assign({ target: 'source', script: null, visibility: 'visible', prerendering: false, throttle: false, frame: false, name: '', engine: 'chromium' }, options);
  const b = {
    now: 1_750_000_000_000,
    random: 0.5,
    sent: [], // every request that left the page, in order: { via, url, body, raw, init }
    deferred: [], // every fetchLater call: { url, body, activateAfter, signal, record }
    fired: [], // deferred exits the browser sent because their activateAfter passed
    workers: [],
    timers: [],
    revoked: [],
    dialogs: [], // every call of a native alert, confirm, prompt or print: { name, args, self }
    blocked: false, // the main thread is blocked (b.block)
    held: [], // requests of the worker waiting for the blocked main thread (engine 'webkit')
    nextTimerId: 1,
    // The server: (record) => { status, json?, headers? } or an Error for a network failure.
    respond: () => ({ status: 200, json: { status: 'live', heartbeatMs: 5000 } }),
  };

  const addTimer = (owner, fn, ms, args) => {
    const id = b.nextTimerId++;
    // Browsers keep the delay as a 32-bit signed integer: 2^31 ms or more wraps (to 0 or less).
    b.timers.push({ id, owner, fn, args, due: b.now + Math.max(0, Number(ms) | 0) });
    return id;
  };
  const clearTimer = (owner, id) => {
    b.timers = b.timers.filter((t) => !(t.id === id && t.owner === owner));
  };

  const win = new FakeEventTarget();
  const doc = new FakeEventTarget();
  win.browser = doc.browser = b;
  // Counts browser API calls of a listener being terminated; throws once the cut is reached.
  const api = () => {
    if (b.cutAfter === undefined) return;
    if (b.cutAfter-- <= 0) {
      b.cutAfter = 0;
      throw new Error('script terminated');
    }
  };
  doc.visibilityState = opts.prerendering ? 'hidden' : opts.visibility;
  if (opts.prerendering) doc.prerendering = true;
  // document.hidden is true exactly when visibilityState is 'hidden' (and throws where it throws).
  Object.defineProperty(doc, 'hidden', { get: () => doc.visibilityState === 'hidden', configurable: true });
  doc.currentScript = null;
  doc.baseURI = PAGE_URL;
  // <base> elements of the document's head, in tree order (b.base() adds one)
  const bases = [];
  doc.querySelector = (selector) => bases.find((e) => matches(e, selector)) || null;
  const blobs = new Map();

  class FakeURL extends URL {
    static createObjectURL(blob) {
      const url = 'blob:' + ORIGIN + '/' + randomUUID();
      blobs.set(url, blob);
      return url;
    }
    static revokeObjectURL(url) {
      b.revoked.push(url);
      blobs.delete(url);
    }
  }
  class FakeBlob {
    constructor(parts, init) {
      this.parts = parts;
      this.type = init && init.type;
    }
  }
  class FakeCustomEvent {
    constructor(type, init) {
      this.type = type;
      this.detail = init ? init.detail : null;
    }
  }
  // Runs the worker script (the served farewell-worker.js, or a blob's source) in its own context,
  // on the shared clock; messages cross asynchronously. Any other URL is refused at once.
  class FakeWorker {
    constructor(url) {
      const blob = String(url) === WORKER_URL ? { parts: [WORKER_SOURCE] } : blobs.get(String(url));
      if (!blob) throw new Error('no worker script at ' + url);
      this.url = String(url);
      this.terminated = false;
      this.onmessage = null;
      this.onerror = null;
      const self = this;
      const scope = {
        setTimeout: (fn, ms, ...args) => addTimer(self, fn, ms, args),
        clearTimeout: (id) => clearTimer(self, id),
        postMessage: (data) =>
          addTimer(self, () => !self.terminated && self.onmessage && self.onmessage({ data }), 0, []),
        // A worker's fetch: a request that leaves the page even while its main thread is blocked.
        // A browser without fetch has none in its workers either (tests delete or break window.fetch).
        fetch:
          win.fetch &&
          ((url, init) => {
            const go = () => (win.fetch === pageFetch ? b.request('fetch', url, init) : win.fetch(url, init));
            return b.blocked && opts.engine === 'webkit' ? new Promise((resolve) => b.held.push(() => resolve(go()))) : go();
          }),
        JSON,
      };
      this.scope = vm.createContext(scope);
      vm.runInContext(blob.parts.join(''), this.scope);
      b.workers.push(this);
    }
    postMessage(data) {
      if (this.terminated) return;
      addTimer(this, () => !this.terminated && this.scope.onmessage && this.scope.onmessage({ data }), 0, []);
    }
    terminate() {
      this.terminated = true;
      b.timers = b.timers.filter((t) => t.owner !== this);
    }
  }

  const response = (reply) => ({
    status: reply.status,
    ok: reply.status >= 200 && reply.status < 300,
    headers: {
      get: (name) => {
        const h = reply.headers || {};
        const key = Object.keys(h).find((k) => k.toLowerCase() === name.toLowerCase());
        return key === undefined ? null : h[key];
      },
    },
    json: () =>
      reply.json === undefined ? Promise.reject(new SyntaxError('no JSON body')) : Promise.resolve(reply.json),
  });

  const record = (via, url, data, init) => {
    const rec = { via, url: String(url), raw: data, init, body: undefined, at: b.now };
    try {
      rec.body = JSON.parse(data);
    } catch (e) {
      rec.body = undefined;
    }
    return rec;
  };

  b.request = (via, url, init) => {
    const rec = record(via, url, init && init.body, init);
    b.sent.push(rec);
    const reply = b.respond(rec);
    const settled = () => (reply instanceof Error ? Promise.reject(reply) : Promise.resolve(response(reply)));
    // b.latency: ms before the answer comes back (the request has left at once)
    if (!b.latency) return settled();
    return new Promise((resolve) => addTimer('browser', () => resolve(settled()), b.latency, []));
  };
  const startedAt = b.now;
  let pageFetch;
  Object.assign(win, {
    performance: { now: () => b.now - startedAt },
    document: doc,
    // a Location stringifies to its href (as `new URL(x, location)` relies on)
    location: { href: PAGE_URL, origin: ORIGIN, host: new URL(ORIGIN).host, toString: () => PAGE_URL },
    navigator: {
      sendBeacon(url, data) {
        api();
        b.sent.push(record('beacon', url, data));
        return true;
      },
    },
    fetch(url, init) {
      api();
      return b.request('fetch', url, init);
    },
    fetchLater(url, init) {
      api();
      const rec = record('fetchLater', url, init.body, init);
      const d = {
        url: String(url),
        body: rec.body,
        activateAfter: init.activateAfter,
        signal: init.signal,
        sentBefore: b.sent.length, // how many requests had left the page when it was armed
        get aborted() {
          return !!(init.signal && init.signal.aborted);
        },
      };
      b.deferred.push(d);
      // The browser sends the deferred request once activateAfter has passed, if one was given,
      // when the document ends (after pagehide, or b.crash) and when it enters the back/forward
      // cache (after pagehide), unless it was aborted first; `activated` turns true when it is
      // sent. Without activateAfter it waits for one of those.
      const result = { activated: false };
      d.send = () => {
        if (d.aborted || d.activated) return;
        d.activated = result.activated = true;
        b.fired.push(Object.assign(rec, { via: 'fetchLater', at: b.now }));
      };
      if (init.activateAfter != null) {
        const id = addTimer('browser', d.send, init.activateAfter, []);
        if (init.signal) init.signal.addEventListener('abort', () => clearTimer('browser', id));
      }
      return result;
    },
    AbortController,
    crypto: { randomUUID: () => randomUUID() },
    URL: FakeURL,
    Blob: FakeBlob,
    Worker: FakeWorker,
    CustomEvent: FakeCustomEvent,
    setTimeout: (fn, ms, ...args) => addTimer('page', fn, ms, args),
    clearTimeout: (id) => clearTimer('page', id),
  });
  pageFetch = win.fetch;
  if (opts.engine === 'webkit') delete win.fetchLater;
  // The native dialogs: each records its call and answers what b.onDialog(name, args) returns,
  // which may block the main thread meanwhile (b.block), as a dialog the user leaves open does.
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    win[name] = function (...args) {
      b.dialogs.push({ name, args, self: this });
      return b.onDialog(name, args);
    };
  }
  b.onDialog = () => undefined;
  win.window = win;
  // A top-level page is its own top and parent; in a frame (opts.frame) they are another window.
  // name: the browsing context's name (window.open's second argument, an iframe's name).
  win.self = win;
  win.top = win.parent = opts.frame ? { name: 'outer' } : win;
  win.name = opts.name || '';
  const context = vm.createContext(win);
  vm.runInContext('Date', context).now = () => b.now;
  vm.runInContext('Math', context).random = () => b.random;

  b.window = win;
  b.document = doc;
  b.globalsBefore = Object.getOwnPropertyNames(win);

  /** Runs the snippet, as the given <script> tag when options.script is set. */
  b.load = (script = opts.script) => {
    doc.currentScript = script ? element('script', Object.assign({ src: SCRIPT_SRC }, script)) : null;
    try {
      vm.runInContext(TARGETS[opts.target], context, { filename: opts.target === 'dist' ? 'farewell.min.js' : 'farewell.js' });
    } finally {
      doc.currentScript = null;
    }
    return win.Farewell;
  };

  /** Runs a script of the page's own (before or after the snippet), in the page's global scope. */
  b.run = (code) => vm.runInContext(code, context);

  /** Lets pending promise callbacks (fetch answers) run. */
  b.settle = async () => {
    for (let i = 0; i < 3; i++) await settle();
  };

  /** Moves the clock on, running due timers (page and worker) in order. */
  b.advance = async (ms) => {
    const end = b.now + ms;
    for (let ran = 0; ; ran++) {
      if (ran > 1e4) throw new Error('more than 10,000 timers in ' + ms + ' ms: a timer loop');
      await b.settle();
      // Chrome's intensive throttling (opts.throttle): page timers of a hidden page run at most
      // once a minute, aligned to the minute. Worker timers and the browser's are not throttled.
      const at = (t) =>
        t.owner === 'page' && opts.throttle && doc.visibilityState === 'hidden' ? Math.ceil(t.due / 6e4) * 6e4 : t.due;
      const due = b.timers.filter((t) => at(t) <= end).sort((x, y) => at(x) - at(y) || x.id - y.id)[0];
      if (!due) break;
      b.timers = b.timers.filter((t) => t !== due);
      b.now = Math.max(b.now, at(due));
      due.fn(...due.args);
    }
    b.now = end;
    await b.settle();
  };

  /**
   * Blocks the page's main thread for `ms`, synchronously, as an open dialog does: only the worker's
   * and the browser's timers run (fetchLater activation); no page timer, promise callback or
   * message from the worker reaches the page. The worker's requests leave at once, or (engine
   * 'webkit') wait and leave when the main thread runs again. Its messages wait too: they are
   * queued behind the overdue page timers (which run at the next advance), or, with
   * `messagesFirst`, delivered at once, before those timers: browsers do not order the two.
   * Returns the requests that left the page while it was blocked.
   */
  b.block = (ms, { messagesFirst = false } = {}) => {
    const sentBefore = b.sent.length;
    const end = b.now + ms;
    const queued = [];
    const saved = b.workers.map((wk) => wk.onmessage);
    b.workers.forEach((wk) => (wk.onmessage = (e) => queued.push([wk, e])));
    b.blocked = true;
    try {
      for (;;) {
        const t = b.timers.filter((x) => x.owner !== 'page' && x.due <= end).sort((x, y) => x.due - y.due || x.id - y.id)[0];
        if (!t) break;
        b.timers = b.timers.filter((x) => x !== t);
        b.now = Math.max(b.now, t.due);
        t.fn(...t.args);
      }
    } finally {
      b.now = end;
      b.blocked = false;
      b.workers.forEach((wk, i) => (wk.onmessage = saved[i]));
    }
    const during = b.sent.slice(sentBefore);
    b.held.splice(0).forEach((go) => go());
    for (const [wk, e] of queued) {
      const deliver = () => wk.onmessage && wk.onmessage(e);
      messagesFirst ? deliver() : addTimer('page', deliver, 0, []);
    }
    return during;
  };

  b.fire = (target, type, props) => {
    const event = makeEvent(type, props);
    FakeEventTarget.prototype.dispatchEvent.call(target === 'document' ? doc : win, event);
    // After pagehide the document ends or enters the back/forward cache: as Chromium does, the
    // browser then sends every armed deferred request (the page had its listeners to abort them).
    if (type === 'pagehide' && target === 'window') b.deferred.forEach((d) => d.send());
    return event;
  };

  /**
   * The tab is closed, with the events in the order of the given browser:
   * - 'chromium': visibilitychange (hidden), then pagehide (persisted false);
   * - 'firefox': pagehide (persisted false), then visibilitychange (hidden);
   * - 'webkit': visibilitychange (hidden), then pagehide (persisted false).
   * Firefox terminates a script that runs while it tears the tab down (seen with Firefox ESR 153:
   * the first pagehide listener stops at some point, uncatchably; the next listener runs). Set
   * `b.terminate = (event, listener) => n` beforehand to cut a listener after n browser API calls.
   * With `lastOfProcess` (Firefox), the tab was the last of its content process, which ends
   * with it: the requests the page queued while closing are dropped (`b.dropped`), except keepalive
   * fetches, which Firefox 133+ runs in its parent process (seen with Firefox ESR 153: the beacon of
   * 2 to 3 closes in 100 never reached the server, though sendBeacon had returned true).
   */
  b.close = (engine = 'chromium', { lastOfProcess = false } = {}) => {
    const before = b.sent.length;
    const pagehide = () => b.fire('window', 'pagehide', { persisted: false });
    if (engine === 'firefox') pagehide();
    if (doc.visibilityState !== 'hidden') b.setVisibility('hidden');
    if (engine !== 'firefox') pagehide();
    if (lastOfProcess) {
      const queued = b.sent.splice(before);
      b.dropped = queued.filter((r) => !(r.init && r.init.keepalive));
      b.sent.push(...queued.filter((r) => !b.dropped.includes(r)));
    }
  };

  b.setVisibility = (state) => {
    doc.visibilityState = state;
    return b.fire('document', 'visibilitychange');
  };

  /**
   * The user is shown a prerendered page: document.prerendering turns false and
   * prerenderingchange fires, and the page turns visible (visibilitychange), in the given order.
   * @param {'prerenderingchange-first'|'visibilitychange-first'} [order]
   */
  b.activate = (order = 'prerenderingchange-first') => {
    const visible = () => b.setVisibility('visible');
    if (order === 'visibilitychange-first') visible();
    doc.prerendering = false;
    b.fire('document', 'prerenderingchange');
    if (order !== 'visibilitychange-first') visible();
  };

  /** A click on an element, with the event going through the snippet's capture listener. */
  // The event path of a click: each node's assigned slot, else its parent, else (a shadow root) its
  // host, then the document and the window. An element inside a shadow root has the root as parent.
  const path = (el) => {
    const nodes = [];
    for (let n = el; n; n = n.assignedSlot || n.parent || n.host) nodes.push(n);
    return nodes.concat([doc, win]);
  };
  b.click = (el, props) => b.fire('window', 'click', Object.assign({ target: el, button: 0, composedPath: () => path(el) }, props));
  /** A submit event at a form; submitter: the button that submitted it (null: form.requestSubmit()). */
  b.submit = (form, submitter = null) => b.fire('window', 'submit', { target: form, submitter });
  const base = () => doc.baseURI;
  b.link = (attrs, child) => {
    const a = element('a', attrs, null, false, base);
    return child ? element('span', {}, a) : a;
  };
  /** An SVG <a> (attributes such as href or xlink:href); child: a click target inside it. */
  b.svgLink = (attrs, child) => {
    const a = element('a', attrs, null, true);
    return child ? element('text', {}, a, true) : a;
  };
  b.area = (attrs) => element('area', attrs, element('map', {}), false, base);
  /** Adds a <base> element (such as {target: '_blank'}) to the document; the first href sets baseURI. */
  b.base = (attrs) => {
    if (attrs.href != null && !bases.some((e) => e.hasAttribute('href'))) doc.baseURI = new URL(attrs.href, PAGE_URL).href;
    bases.push(element('base', attrs));
  };
  /**
   * A form; fields: attributes of <input> elements in it. A field named like a form property
   * (action, method, target) shadows that property, as HTMLFormElement's named access does.
   */
  b.form = (attrs, ...fields) => {
    const form = element('form', attrs, null, false, base);
    for (const f of fields) {
      const input = element('input', f, form);
      if (f.name) Object.defineProperty(form, f.name, { get: () => input, configurable: true });
    }
    return form;
  };
  /** A submit button (attributes such as formaction, formtarget, formmethod). */
  b.button = (attrs) => element('button', Object.assign({ type: 'submit' }, attrs), null, false, base);
  /**
   * A custom element whose open shadow root holds a link (<a> with the given attributes, SVG's with
   * svg) around a <slot>; returns the click target: the host's light-DOM child slotted into the link.
   * No ancestor of it is the link: only the composed path (slot, link, root, host) leads to it.
   */
  b.slottedInShadowLink = (attrs, svg) => {
    const host = element('my-link', {});
    const root = { host, mode: 'open' };
    const slot = element('slot', {}, element('a', attrs, root, svg, base));
    const child = element('span', {}, host);
    child.assignedSlot = slot;
    return child;
  };
  b.element = (tag, attrs) => element(tag, attrs, null, false, base);

  /**
   * What the server takes, in the order it was sent: a second copy of a message (the same body,
   * by another transport or from a retrying listener) changes nothing there (same seq), so it is
   * left out. `b.sent` has every request.
   */
  b.received = () => b.sent.filter((r, i) => typeof r.raw != 'string' || b.sent.findIndex((o) => o.raw === r.raw) === i);
  /** Messages of the given type(s) the server takes (see received), in the order they were sent. */
  b.messages = (...types) => b.received().filter((r) => r.body && (!types.length || types.includes(r.body.type)));
  b.types = () => b.received().map((r) => r.body && r.body.type);
  b.pageTimers = () => b.timers.filter((t) => t.owner === 'page');
  b.armed = () => b.deferred.filter((d) => !d.aborted);
  /**
   * The page's document ends without an event (its renderer crashes, or the browser discards the
   * tab): the browser sends every armed deferred request, and no script of the page runs again.
   */
  b.crash = () => {
    b.deferred.forEach((d) => d.send());
    b.timers = [];
    b.blocked = true;
  };
  /**
   * The browser sends the armed deferred requests while the page lives (no browser is known to
   * without an activateAfter): what the page does when it learns of it.
   */
  b.sendDeferredNow = () => b.deferred.forEach((d) => d.send());
  return b;
}

module.exports = { createBrowser, TARGETS, ORIGIN, PAGE_URL, BEACON_URL, WORKER_URL };
