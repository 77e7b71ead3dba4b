-- Acknowledges claimed sessions: tombstone written and state removed in one step, so the release
-- is final before any release action runs. Only the owner of a live lease can acknowledge.
-- KEYS: claimed, tombs, due, inflight. ARGV: clock, owner, tombstoneTtlMs, maxTombstones,
-- sessionPrefix, tombPrefix, openTimeoutMs, then the session keys. Returns {now, acked keys...}.
local now = clock()
local out = {now}
local ttl = tonumber(ARGV[3])
for i = 8, #ARGV do
  local k = ARGV[i]
  local sk = ARGV[5] .. k
  if redis.call('ZSCORE', KEYS[1], k) and redis.call('HGET', sk, 'cl') == ARGV[2] then
    local h = hash(sk)
    redis.call('ZREM', KEYS[1], k)
    redis.call('DEL', sk)
    if h.rt then
      -- The application tracked the key again while this release was under way: a new session.
      redis.call('DEL', ARGV[6] .. k)
      local dl = now + tonumber(ARGV[7])
      redis.call('HSET', sk, 'st', 'P', 'tr', str(now), 'ls', str(now), 'dl', str(dl), 'aw', str(dl),
        'at', h.ra or '')
      redis.call('ZADD', KEYS[3], dl, k)
    else
      redis.call('SET', ARGV[6] .. k, reason(h), 'PX', ttl)
      redis.call('ZADD', KEYS[2], now, k)
    end
    redis.call('ZADD', KEYS[4], now, ARGV[2] .. ' ' .. k)
    out[#out + 1] = k
  end
end
trimtombs(KEYS[2], ARGV[6], now, ttl, tonumber(ARGV[4]))
return out
