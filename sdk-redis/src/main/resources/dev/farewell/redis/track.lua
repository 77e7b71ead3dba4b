-- Starts or refreshes a session when the application serves a page of it.
-- KEYS: due, claimed, hold, session, tombstone reasons, gen. ARGV: attributes, hasAttributes, openTimeoutMs,
-- maxSessions, sessionKey. Returns {status, accepted, reason}.
local now = clock()
local key = ARGV[5]
local h, n = hash(KEYS[4])
if n == 0 then
  if redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
    return {'FULL', 0, ''}
  end
  redis.call('HDEL', KEYS[5], key)
  local dl = now + tonumber(ARGV[3])
  redis.call('HSET', KEYS[4], 'st', 'P', 'tr', str(now), 'ls', str(now), 'dl', str(dl), 'aw', str(dl),
    'at', ARGV[1], 'g', redis.call('INCR', KEYS[6]))
  redis.call('ZADD', KEYS[1], dl, key)
  return {'LIVE', 1, ''}
end
if h.cl or (tonumber(h.dl) <= now and redis.call('EXISTS', KEYS[3]) == 0) then
  -- The old session is being released; the acknowledgement starts the new one right after it.
  local attrs = h.ra or h.at or ''
  if ARGV[2] == '1' then attrs = ARGV[1] end
  redis.call('HSET', KEYS[4], 'rt', '1', 'ra', attrs)
  return {'LIVE', 1, ''}
end
if ARGV[2] == '1' then redis.call('HSET', KEYS[4], 'at', ARGV[1]) end
-- The application serves a new page: await it for the open timeout, and cancel an exit grace.
local aw = now + tonumber(ARGV[3])
local dl = tonumber(h.dl)
if h.st == 'X' or aw > dl then dl = aw end
local st = h.st
if st == 'X' then st = 'L' end
redis.call('HSET', KEYS[4], 'st', st, 'dl', str(dl), 'aw', str(aw), 'g', redis.call('INCR', KEYS[6]))
redis.call('ZADD', KEYS[1], dl, key)
return {'LIVE', 1, ''}
