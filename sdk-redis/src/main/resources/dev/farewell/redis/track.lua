-- Starts or refreshes a session when the application serves a page of it.
-- KEYS: due, claimed, hold, session, tombstone reasons, gen, tombmark, nodes. ARGV: attributes,
-- hasAttributes, openTimeoutMs, maxSessions, sessionKey, ageMs, partitionGraceMs,
-- tombstoneTtlMs, maxPages. Returns {status, accepted, reason}.
-- ageMs > 0: a late track, asked ageMs ago while Redis could not serve this node, applied as of
-- when it was asked: it never starts again a session released or decided after that (a logout
-- through another node meanwhile), nor undoes what the session's pages said since; asked after a
-- release, it starts the new session as a track at once would have.
local now = clock()
local key = ARGV[5]
local late = tonumber(ARGV[6]) > 0
local at = now - tonumber(ARGV[6])
local h, n = hash(KEYS[4])
if n == 0 then
  if late then
    local dead = tombstone(KEYS[5], key, now)
    if dead then
      -- The tombstone ends a TTL after the release: a track asked before the release is stale.
      local ends = tonumber(string.match(redis.call('HGET', KEYS[5], key), ',(%d+)$'))
      if at <= ends - tonumber(ARGV[8]) then return {'RELEASED', 0, dead} end
    elseif tonumber(redis.call('GET', KEYS[7]) or '0') > at then
      return {'RELEASED', 0, 'TIMEOUT'}
    end
  end
  if redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
    return {'FULL', 0, ''}
  end
  redis.call('HDEL', KEYS[5], key)
  local dl = at + tonumber(ARGV[3])
  redis.call('HSET', KEYS[4], 'st', 'P', 'tr', str(at), 'ls', str(at), 'dl', str(dl), 'aw', str(dl),
    'at', ARGV[1], 'g', redis.call('INCR', KEYS[6]))
  redis.call('ZADD', KEYS[1], dl, key)
  return {'LIVE', 1, ''}
end
local asked = false -- a late track that is the session's newest word: applied as of `at`
if late then
  -- Asked before a release of the session that the old release's acknowledgement starts (a logout
  -- recorded meanwhile): stale, it starts nothing after that release.
  if h.xid and at <= tonumber(h.xat) then return {'RELEASED', 0, h.xr} end
  if h.cl or h.rid then
    -- Decided before the track was asked: stale. Decided after: the application tracked the key
    -- again during the release, as below.
    if at <= tonumber(h.rat or now) then return {'RELEASED', 0, h.rr or reason(h)} end
  elseif tonumber(h.ls or '0') > at then
    -- The session's pages spoke since: their word stands (an exit is not undone); the attributes
    -- given at login are kept if the session has none.
    if ARGV[2] == '1' and (h.at or '') == '' then redis.call('HSET', KEYS[4], 'at', ARGV[1]) end
    return {'LIVE', 1, ''}
  else
    -- Asked while the session lived: it awaited the page served then for the open timeout.
    local would = at + tonumber(ARGV[3])
    if h.st ~= 'X' and tonumber(h.dl) > would then would = tonumber(h.dl) end
    if would <= now and not stale(KEYS[3], KEYS[8], now, tonumber(ARGV[7])) then
      return {'RELEASED', 0, reason(h)}
    end
    asked = true
  end
end
local over = h.cl or (not asked and tonumber(h.dl) <= now
    and not stale(KEYS[3], KEYS[8], now, tonumber(ARGV[7])))
-- Not over after all, though tracked again as if it were: that track was of this session.
if not over and adopt(KEYS[1], KEYS[2], KEYS[4], key, h, now, tonumber(ARGV[9])) then
  over = h.cl
end
if over then
  -- The old session is being released, or due to be; the acknowledgement of its release starts
  -- the new one right after it, with the attributes of the latest track.
  if h.xid then
    -- A release of the new session was asked meanwhile: this track is of the session after it.
    local attrs = h.xa or h.ra or ''
    if ARGV[2] == '1' then attrs = ARGV[1] end
    redis.call('HSET', KEYS[4], 'xt', '1', 'xa', attrs)
    return {'LIVE', 1, ''}
  end
  local attrs = h.ra or h.at or ''
  if ARGV[2] == '1' then attrs = ARGV[1] end
  redis.call('HSET', KEYS[4], 'rt', '1', 'ra', attrs)
  -- Should the old session turn out alive (adopt), it awaits the page served now.
  if not h.cl then redis.call('HSET', KEYS[4], 'aw', str(at + tonumber(ARGV[3]))) end
  return {'LIVE', 1, ''}
end
if ARGV[2] == '1' then redis.call('HSET', KEYS[4], 'at', ARGV[1]) end
-- The application serves a new page: await it for the open timeout, and cancel an exit grace.
local aw = at + tonumber(ARGV[3])
local dl = tonumber(h.dl)
if h.st == 'X' or aw > dl then dl = aw end
local st = h.st
if st == 'X' then st = 'L' end
redis.call('HSET', KEYS[4], 'st', st, 'dl', str(dl), 'aw', str(aw), 'g', redis.call('INCR', KEYS[6]))
redis.call('ZADD', KEYS[1], dl, key)
return {'LIVE', 1, ''}
