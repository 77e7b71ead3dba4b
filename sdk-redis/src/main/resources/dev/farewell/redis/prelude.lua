-- Shared by every Farewell script, after clock.lua.
local function str(n) return string.format('%.0f', n) end
local function hash(key)
  local flat = redis.call('HGETALL', key)
  local h = {}
  for i = 1, #flat, 2 do h[flat[i]] = flat[i + 1] end
  return h, #flat
end
-- A page is "state,sequence,lastSignal,deadline"; state V (visible), H (hidden) or E (exited).
local function page(v)
  local st, seq, ls, dl = string.match(v, '^(%a),(%d+),(%d+),(%d+)$')
  return {st = st, seq = tonumber(seq), ls = tonumber(ls), dl = tonumber(dl)}
end
local function pagestr(p)
  return p.st .. ',' .. str(p.seq) .. ',' .. str(p.ls) .. ',' .. str(p.dl)
end
local function ispage(f) return string.sub(f, 1, 2) == 'p:' end
-- Whether the shard's deadlines may be stale, so that a session past its deadline is not over
-- yet: a hold (recovery, lost data, rollback), or a node that swept and has been missing for less
-- than the partition grace (it may be cut off from Redis with pages beating to it; claim.lua
-- decides nothing new meanwhile, and a beat reaching another node revives the session).
local function stale(hold, nodes, now, graceMs)
  if redis.call('EXISTS', hold) == 1 then return true end
  return redis.call('ZCOUNT', nodes, str(now - graceMs), '(' .. str(now)) > 0
end
local function reason(h)
  if h.st == 'X' then return 'EXIT' end
  return 'TIMEOUT'
end
-- A tombstone is a field of the shard's tombstone hash: session key -> "reason,expiresAt"; the
-- tombs sorted set orders them by release time. Returns the reason while the tombstone lasts.
local function tombstone(reasons, key, now)
  local v = redis.call('HGET', reasons, key)
  if not v then return nil end
  local rr, ends = string.match(v, '^(%u+),(%d+)$')
  if tonumber(ends) > now then return rr end
  return nil
end
-- Forgets expired tombstones, and the oldest beyond the maximum. A tombstone forgotten by count
-- before its TTL leaves a watermark (the mark key, until its TTL would have ended): meanwhile
-- signal.lua answers every key without a session RELEASED, since it cannot tell those keys from
-- one released within the TTL.
local function trimtombs(tombs, reasons, mark, now, ttl, max)
  local expired = redis.call('ZRANGEBYSCORE', tombs, '-inf', now - ttl)
  for i = 1, #expired, 500 do
    redis.call('HDEL', reasons, unpack(expired, i, math.min(#expired, i + 499)))
  end
  redis.call('ZREMRANGEBYSCORE', tombs, '-inf', now - ttl)
  local over = redis.call('ZCARD', tombs) - max
  if over > 0 then
    local old = redis.call('ZPOPMIN', tombs, over)
    local newest = 0
    for i = 1, #old, 2 do
      redis.call('HDEL', reasons, old[i])
      local at = tonumber(old[i + 1])
      if at > newest then newest = at end
    end
    local ends = newest + ttl
    if ends > now and ends > tonumber(redis.call('GET', mark) or '0') then
      redis.call('SET', mark, str(ends), 'PX', math.max(1, ends - now))
    end
  end
end
-- Runs a command on a hash with a list of arguments of any length: Lua's unpack fails beyond a few
-- thousand values, so they go in chunks.
local function each(key, cmd, list, step)
  for i = 1, #list, step do
    redis.call(cmd, key, unpack(list, i, math.min(#list, i + step - 1)))
  end
end
-- Whether a hash has room for one more page of the given prefix (p: the session's pages, n: the
-- pages noted for the session track() started during a release): at maxPages, exited and dead
-- pages are forgotten first.
local function room(key, h, prefix, maxPages, now)
  local pages = {}
  for f, _ in pairs(h) do
    if string.sub(f, 1, 2) == prefix then pages[#pages + 1] = f end
  end
  if #pages < maxPages then return true end
  local left = #pages
  for _, f in ipairs(pages) do
    local q = page(h[f])
    if q.st == 'E' or q.dl <= now then
      redis.call('HDEL', key, f)
      h[f] = nil
      left = left - 1
    end
  end
  return left < maxPages
end
-- A session past its deadline but not decided, which track() marked rt (the acknowledgement of its
-- release was to start a new session), turned out alive: a beat kept by a node cut off from Redis
-- (force), or a hold saying its deadline is stale. The track was then of this session: it takes the
-- track's attributes (ra) and the pages noted for the new session (n:), as many as the page limit
-- leaves room for (exited and dead pages are forgotten first, as room does); a page not taken
-- only keeps the session alive until its deadline, as a refused page's beat (nd, kept as fd) does. A release
-- asked of the new session meanwhile (xid) is decided now under its id, held by nobody, so that the
-- next sweep of any node takes it over. Updates h and writes the deadline (dl: at least the
-- deadline of the pages noted, and of nd). Returns whether it wrote the hash.
local function adopt(due, claimed, session, member, h, now, maxPages)
  if not h.rt or h.cl then return false end
  local set, del, noted = {'at', h.ra or ''}, {'rt', 'ra', 'nd'}, {}
  -- Refused pages' beats (nd) hold this session as its own refused pages' do (fd).
  local nd = math.max(tonumber(h.nd or '0'), tonumber(h.fd or '0'))
  if nd > now then
    set[#set + 1] = 'fd'
    set[#set + 1] = str(nd)
  end
  for f, _ in pairs(h) do
    if string.sub(f, 1, 2) == 'n:' then noted[#noted + 1] = f end
  end
  table.sort(noted)
  local dl = math.max(tonumber(h.dl), nd)
  local live = nd > now
  for _, f in ipairs(noted) do
    local v = h[f]
    del[#del + 1] = f
    local pf = 'p:' .. string.sub(f, 3)
    local q = page(v)
    if q.st ~= 'E' and q.dl > dl then dl = q.dl end
    if q.st ~= 'E' and q.dl > now then live = true end
    -- Written at once, so that room may forget it again for a later page.
    if (h[pf] and page(h[pf]).seq < q.seq) or (not h[pf] and room(session, h, 'p:', maxPages, now))
    then
      h[pf] = v
      redis.call('HSET', session, pf, v)
    end
  end
  if live and h.st ~= 'L' then
    h.st = 'L'
    set[#set + 1] = 'st'
    set[#set + 1] = 'L'
  end
  for _, f in ipairs(del) do h[f] = nil end
  if nd > now then h.fd = str(nd) end
  h.at, h.dl = set[2], str(dl)
  if not h.xid then
    set[#set + 1] = 'dl'
    set[#set + 1] = h.dl
    redis.call('ZADD', due, dl, member)
  end
  if h.xid then
    h.cl, h.rr, h.rid, h.rat, h.dl = '-', h.xr, h.xid, h.xat, str(now)
    for _, f in ipairs({'cl', 'rr', 'rid', 'rat', 'dl'}) do
      set[#set + 1] = f
      set[#set + 1] = h[f]
    end
    for _, f in ipairs({'xr', 'xid', 'xat'}) do del[#del + 1] = f; h[f] = nil end
    if h.xt then
      -- tracked again after that release was asked: the acknowledgement starts that session.
      set[#set + 1] = 'rt'; set[#set + 1] = '1'; set[#set + 1] = 'ra'; set[#set + 1] = h.xa or ''
      h.rt, h.ra = '1', h.xa or ''
    end
    del[#del + 1] = 'xt'; del[#del + 1] = 'xa'; h.xt, h.xa = nil, nil
    redis.call('ZREM', due, member)
    redis.call('ZADD', claimed, now, member)
  end
  each(session, 'HDEL', del, 500)
  each(session, 'HSET', set, 1000)
  return true
end
