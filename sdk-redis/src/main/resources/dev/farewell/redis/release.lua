-- Decides the release of a live session now (EXPLICIT or SHUTDOWN) and claims it for this node,
-- as claim.lua does for due sessions. Idempotent: run again with the same release id (its reply
-- was lost), it returns the same decision.
-- KEYS: due, claimed, hold, session, nodes. ARGV: reason, owner, leaseMs, releaseId, sessionKey,
-- partitionGraceMs.
-- Returns {1, trackedAt, lastSignalAt, releasedAt, attrs} or {0} when the session is not live
-- (unknown, due, or already decided).
local h, n = hash(KEYS[4])
if n > 0 and h.rid == ARGV[4] then
  return {1, tonumber(h.tr), tonumber(h.ls), tonumber(h.rat), h.at or ''}
end
local now = clock()
if n == 0 or h.cl then return {0} end
if tonumber(h.dl) <= now and not stale(KEYS[3], KEYS[5], now, tonumber(ARGV[6])) then
  return {0}
end
redis.call('ZREM', KEYS[1], ARGV[5])
redis.call('HSET', KEYS[4], 'cl', ARGV[2], 'rr', ARGV[1], 'rid', ARGV[4], 'rat', str(now),
  'dl', str(now))
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[5])
return {1, tonumber(h.tr), tonumber(h.ls), now, h.at or ''}
