-- Decides the release of a live session now (EXPLICIT or SHUTDOWN) and claims it for this node,
-- as claim.lua does for due sessions. Idempotent: run again with the same release id (its reply
-- was lost), it returns the same decision, and one node acts on it.
-- A key tracked again while its old session is being released (rt) names a new session that the
-- acknowledgement of the old release starts: its release is recorded (xr, xid, xat) and the
-- acknowledgement starts that session decided, under this id (see ack.lua).
-- KEYS: due, claimed, hold, session, nodes. ARGV: reason, owner, leaseMs, releaseId, sessionKey,
-- partitionGraceMs, maxPages, ageMs (how long ago the release was asked: a release kept by a
-- node whose reply was lost, or while Redis could not serve it, is written late).
-- A release asked again after its session ended and the key was tracked again (the session was
-- tracked after the release was asked) is of a session that no longer exists: {0}, and the later
-- session is left alone.
-- Returns {1, trackedAt, lastSignalAt, releasedAt, attrs} when this node is to act on the release,
-- {2} when recorded for the session that the acknowledgement of the old release starts, or decided
-- under this id and held by another node, or {0} when the session is not live (unknown, due, or
-- already decided).
local h, n = hash(KEYS[4])
if n > 0 and h.rid == ARGV[4] then
  local mine = {1, tonumber(h.tr), tonumber(h.ls), tonumber(h.rat), h.at or ''}
  if h.cl == ARGV[2] then return mine end
  if h.cl == '-' then
    -- Decided under this id by the acknowledgement of the old release (or by adopt) and held by
    -- nobody: this node takes it, as a sweep would.
    redis.call('HSET', KEYS[4], 'cl', ARGV[2])
    redis.call('ZADD', KEYS[2], clock() + tonumber(ARGV[3]), ARGV[5])
    return mine
  end
  -- Decided under this id and held by another node, which acts on it.
  return {2}
end
if n > 0 and h.xid == ARGV[4] then return {2} end
local now = clock()
if n == 0 then return {0} end
if tonumber(h.tr or '0') > now - tonumber(ARGV[8]) then return {0} end
local over = h.cl or (tonumber(h.dl) <= now and not stale(KEYS[3], KEYS[5], now, tonumber(ARGV[6])))
if over and h.rt and not h.xid then
  redis.call('HSET', KEYS[4], 'xr', ARGV[1], 'xid', ARGV[4], 'xat', str(now))
  return {2}
end
-- Not over after all, though tracked again as if it were: that track was of this session.
if not over then adopt(KEYS[1], KEYS[2], KEYS[4], ARGV[5], h, now, tonumber(ARGV[7])) end
if over or h.cl then return {0} end
redis.call('ZREM', KEYS[1], ARGV[5])
redis.call('HSET', KEYS[4], 'cl', ARGV[2], 'rr', ARGV[1], 'rid', ARGV[4], 'rat', str(now),
  'dl', str(now))
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[5])
return {1, tonumber(h.tr), tonumber(h.ls), now, h.at or ''}
