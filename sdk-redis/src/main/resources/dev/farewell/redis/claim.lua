-- Claims due sessions of one shard for a sweeper, with a lease; re-claims expired leases.
-- KEYS: due, claimed, hold, inflight. ARGV: clock, owner, leaseMs, limit, sessionPrefix,
-- inflightStaleMs. Returns {claims, stale}: claims is flat (key, reason, trackedAt, lastSignalAt,
-- dueAt, attrs) per session; stale lists in-flight records nobody cleared (a node died after its
-- acknowledgement).
local now = clock()
local stale = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now - tonumber(ARGV[6]), 'LIMIT', 0, 100)
if #stale > 0 then redis.call('ZREM', KEYS[4], unpack(stale)) end
if redis.call('EXISTS', KEYS[3]) == 1 then return {{}, stale} end
local lease = now + tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
local out, taken = {}, 0
local function take(k)
  local sk = ARGV[5] .. k
  local h, n = hash(sk)
  redis.call('ZREM', KEYS[1], k)
  if n == 0 then
    redis.call('ZREM', KEYS[2], k)
    return
  end
  redis.call('ZADD', KEYS[2], lease, k)
  redis.call('HSET', sk, 'cl', ARGV[2])
  local dl = tonumber(h.dl)
  out[#out + 1] = k
  out[#out + 1] = reason(h)
  out[#out + 1] = tonumber(h.tr)
  out[#out + 1] = tonumber(h.ls)
  out[#out + 1] = dl
  out[#out + 1] = h.at or ''
  taken = taken + 1
end
for _, k in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)) do take(k) end
if taken < limit then
  for _, k in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit - taken)) do
    take(k)
  end
end
return {out, stale}
