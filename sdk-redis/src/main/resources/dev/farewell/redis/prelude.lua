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
