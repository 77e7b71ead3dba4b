-- Decides the release of due sessions of one shard and claims them for this node with a lease;
-- takes over the decided releases whose lease ran out (their node died or lost its replies).
-- A decided release keeps its session hash (key, reason, times, attributes, release id) until
-- ack.lua says its actions completed.
-- The epoch key names the shard's data: a node that knew another epoch (or finds none) learns
-- that Redis lost data (restart without it, FLUSHALL, failover to an empty replica); the shard is
-- then held for the recovery grace, so that beating pages write their sessions again first.
-- The nodes key lists the sweeping nodes, each with the time by which it promises to sweep again:
-- while a node that swept is missing (past its promise, for less than the partition grace) it may
-- be cut off from Redis with pages beating to it, so no new release is decided.
-- The generation key counts the writes of the shard; it only grows. A node that finds it lower than
-- a value it saw learns that Redis went back in time (a restart from an older snapshot, a failover
-- to a replica that lagged): deadlines may be stale, so the shard is held for the recovery grace.
-- In takeovers-only mode (a node back from an outage, within its recovery grace) nothing new is
-- decided.
-- Every key a script touches is declared (Redis Cluster routes and migrates by them), so the
-- sessions to claim are named by the caller: the candidates a previous call returned. Each is
-- checked again here (it may have been revived, claimed or forgotten since).
-- KEYS: due, claimed, hold, epoch, nodes, gen, then the session hash of each candidate.
-- ARGV: owner, leaseMs, limit, (unused), idPrefix, knownEpoch (empty at start), recoveryGraceMs,
-- promiseMs, partitionGraceMs, knownGeneration, takeoversOnly, then the candidates' session keys.
-- Returns {'OK', flat, missingNode, generation, candidates} with flat (key, reason, trackedAt,
-- lastSignalAt, dueAt, attrs, releaseId, releasedAt, takenOver) per session and candidates the
-- keys due now (lease run out first, then deadline passed; at most limit), {'EPOCH', epoch, lost}
-- when the epoch is not the known one, or {'ROLLBACK', generation} when the generation went back.
local epoch = redis.call('GET', KEYS[4])
if epoch ~= ARGV[6] then
  local lost = 0
  if not epoch then
    epoch = ARGV[5]
    redis.call('SET', KEYS[4], epoch)
    if ARGV[6] ~= '' then
      lost = 1
      redis.call('SET', KEYS[3], 'epoch', 'PX', ARGV[7])
    end
  elseif ARGV[6] ~= '' then
    -- Another node found none and named the data anew: it may not have known this shard before
    -- (it held nothing), while this node's pages may beat with their beats not written yet.
    lost = 1
    redis.call('SET', KEYS[3], 'epoch', 'PX', ARGV[7])
  end
  if lost == 1 then
    -- The write counter goes on from above what this node saw (it started again with the loss),
    -- so that the generations the node saw of its sessions are not each taken for one more loss.
    local g = math.max(tonumber(redis.call('GET', KEYS[6]) or '0'), tonumber(ARGV[10]))
    redis.call('SET', KEYS[6], str(g + 1))
  end
  return {'EPOCH', epoch, lost}
end
local gen = redis.call('INCR', KEYS[6])
if gen <= tonumber(ARGV[10]) then
  redis.call('SET', KEYS[3], 'rollback', 'PX', ARGV[7])
  -- The counter goes on from above what this node saw, so that the node need not lower what it
  -- knows: should Redis go back again (to another old copy, lower than that), the next claim
  -- finds it too.
  redis.call('SET', KEYS[6], str(tonumber(ARGV[10]) + 1))
  return {'ROLLBACK', gen}
end
local now = clock()
redis.call('ZADD', KEYS[5], now + tonumber(ARGV[8]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - tonumber(ARGV[9]))
local missing = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', '(' .. now, 'LIMIT', 0, 1)[1] or ''
local lease = now + tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local out, taken = {}, 0
local function emit(k, h, takenOver)
  out[#out + 1] = k
  out[#out + 1] = h.rr
  out[#out + 1] = tonumber(h.tr)
  out[#out + 1] = tonumber(h.ls)
  out[#out + 1] = tonumber(h.dl)
  out[#out + 1] = h.at or ''
  out[#out + 1] = h.rid
  out[#out + 1] = tonumber(h.rat)
  out[#out + 1] = takenOver
  taken = taken + 1
end
-- A recovery hold says deadlines may be stale, a missing node that its signals may be unwritten:
-- decide nothing new meanwhile.
local decide = ARGV[11] ~= '1' and missing == '' and redis.call('EXISTS', KEYS[3]) == 0
for i = 12, #ARGV do
  if taken >= limit then break end
  local k, sk = ARGV[i], KEYS[i - 5]
  local leased = redis.call('ZSCORE', KEYS[2], k)
  local due = redis.call('ZSCORE', KEYS[1], k)
  if leased then
    if tonumber(leased) <= now then
      local h, n = hash(sk)
      if n == 0 or not h.rid then
        redis.call('ZREM', KEYS[2], k)
      else
        redis.call('ZADD', KEYS[2], lease, k)
        redis.call('HSET', sk, 'cl', ARGV[1])
        emit(k, h, 1)
      end
    end
  elseif decide and due and tonumber(due) <= now then
    local h, n = hash(sk)
    redis.call('ZREM', KEYS[1], k)
    if n > 0 then
      h.rr = reason(h)
      h.rid = ARGV[5] .. '.' .. (taken + 1)
      h.rat = str(now)
      redis.call('HSET', sk, 'cl', ARGV[1], 'rr', h.rr, 'rid', h.rid, 'rat', h.rat)
      redis.call('ZADD', KEYS[2], lease, k)
      emit(k, h, 0)
    end
  end
end
local candidates = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)
if decide and #candidates < limit then
  for _, k in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0,
      limit - #candidates)) do
    candidates[#candidates + 1] = k
  end
end
return {'OK', out, missing, gen, candidates}
