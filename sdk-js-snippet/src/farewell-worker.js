/*! Farewell worker | Apache-2.0 | https://farewell.dev */
// The snippet's dedicated worker, served from the page's origin (CSP `worker-src 'self'`). It sends
// the heartbeats, so that they go on while the page's main thread is blocked (alert(), a print
// dialog, a long task) and are not throttled like a hidden page's timers. The page posts
// {d: ms to the next beat (undefined: keep the timer, 1e9: stop), i: interval, u: endpoint URL,
// b: the heartbeat with seq -1, s: the page's last seq}; the worker answers every beat with
// [seq] as each beat leaves (a tick for the page's watch) and [seq, status, Retry-After, JSON body]
// when it is answered, status 0 for a network error, -1 without a usable fetch.
let t, c, s = 0;
onmessage = (e) => {
  c = e.data;
  s = Math.max(s, c.s);
  if (c.d >= 0) {
    clearTimeout(t);
    t = setTimeout(beat, c.d);
  }
};
const beat = () => {
  t = setTimeout(beat, c.i);
  const q = ++s;
  postMessage([q]); // a tick: the page's watch sees the worker beat even while answers are slow
  try {
    fetch(c.u, { method: 'POST', keepalive: true, body: c.b.replace(':-1,', ':' + q + ',') })
      .then((r) => r.json().catch(() => 0).then((j) => postMessage([q, r.status, r.headers.get('Retry-After'), j])))
      .catch(() => postMessage([q, 0]));
  } catch (e) {
    postMessage([q, -1]);
  }
};
