-- Releases a live session now (EXPLICIT or SHUTDOWN), acknowledged in the same step.
-- KEYS: due, claimed, hold, session, tomb, tombs. ARGV: clock, reason, tombstoneTtlMs,
-- maxTombstones, tombPrefix, sessionKey. Returns {1, trackedAt, lastSignalAt, releasedAt, attrs}
-- or {0} when the session is not live (unknown, due, or claimed by a sweeper).
local now = clock()
local h, n = hash(KEYS[4])
if n == 0 or h.cl then return {0} end
if tonumber(h.dl) <= now and redis.call('EXISTS', KEYS[3]) == 0 then return {0} end
redis.call('ZREM', KEYS[1], ARGV[6])
redis.call('DEL', KEYS[4])
redis.call('SET', KEYS[5], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[6], now, ARGV[6])
trimtombs(KEYS[6], ARGV[5], now, tonumber(ARGV[3]), tonumber(ARGV[4]))
return {1, tonumber(h.tr), tonumber(h.ls), now, h.at or ''}
