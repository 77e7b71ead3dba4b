-- Forgets decided releases whose actions completed: the tombstone is written and the session
-- removed in one step. Idempotent: a release already forgotten (a lost reply, another node that
-- took over and finished first) is skipped. Checked by release id, not by owner, so a node whose
-- lease ran out while its actions completed still finishes the release.
-- KEYS: claimed, tombs, due. ARGV: tombstoneTtlMs, maxTombstones, sessionPrefix,
-- tombPrefix, openTimeoutMs, then (session key, release id) pairs. Returns the keys forgotten.
local now = clock()
local out = {}
local ttl = tonumber(ARGV[1])
for i = 6, #ARGV, 2 do
  local k, rid = ARGV[i], ARGV[i + 1]
  local sk = ARGV[3] .. k
  if redis.call('HGET', sk, 'rid') == rid then
    local h = hash(sk)
    redis.call('ZREM', KEYS[1], k)
    redis.call('DEL', sk)
    if h.rt then
      -- The application tracked the key again while this release was under way: a new session.
      redis.call('DEL', ARGV[4] .. k)
      local dl = now + tonumber(ARGV[5])
      redis.call('HSET', sk, 'st', 'P', 'tr', str(now), 'ls', str(now), 'dl', str(dl), 'aw', str(dl),
        'at', h.ra or '')
      redis.call('ZADD', KEYS[3], dl, k)
    else
      redis.call('SET', ARGV[4] .. k, h.rr, 'PX', ttl)
      redis.call('ZADD', KEYS[2], now, k)
    end
    out[#out + 1] = k
  end
end
trimtombs(KEYS[2], ARGV[4], now, ttl, tonumber(ARGV[2]))
return out
