-- Forgets decided releases whose actions completed: the tombstone is written and the session
-- removed in one step. Idempotent: a release already forgotten (a lost reply, another node that
-- took over and finished first) is skipped. Checked by release id, not by owner, so a node whose
-- lease ran out while its actions completed still finishes the release.
-- KEYS: claimed, tombs, due, gen, tombmark, tombstone reasons, then the session hash of each
-- pair. ARGV: tombstoneTtlMs, maxTombstones, openTimeoutMs, then (session key, release id) pairs.
-- Returns the keys forgotten.
local now = clock()
local out = {}
local ttl = tonumber(ARGV[1])
for i = 4, #ARGV, 2 do
  local k, rid = ARGV[i], ARGV[i + 1]
  local sk = KEYS[6 + (i - 2) / 2]
  if redis.call('HGET', sk, 'rid') == rid then
    local h = hash(sk)
    redis.call('ZREM', KEYS[1], k)
    redis.call('DEL', sk)
    if h.rt then
      -- The application tracked the key again while this release was under way: a new session.
      redis.call('HDEL', KEYS[6], k)
      -- Pages of the new session that signalled meanwhile (signal.lua noted them as n:<page>).
      local aw = now + tonumber(ARGV[3])
      local dl, st = aw, 'P'
      local fresh = {}
      for f, v in pairs(h) do
        if string.sub(f, 1, 2) == 'n:' then
          local p = page(v)
          fresh[#fresh + 1] = 'p:' .. string.sub(f, 3)
          fresh[#fresh + 1] = v
          if p.st ~= 'E' then
            st = 'L'
            if p.dl > dl then dl = p.dl end
          end
        end
      end
      redis.call('HSET', sk, 'st', st, 'tr', str(now), 'ls', str(now), 'dl', str(dl), 'aw', str(aw),
        'at', h.ra or '', 'g', redis.call('INCR', KEYS[4]))
      if #fresh > 0 then redis.call('HSET', sk, unpack(fresh)) end
      redis.call('ZADD', KEYS[3], dl, k)
    else
      redis.call('HSET', KEYS[6], k, h.rr .. ',' .. str(now + ttl))
      redis.call('ZADD', KEYS[2], now, k)
    end
    out[#out + 1] = k
  end
end
trimtombs(KEYS[2], KEYS[6], KEYS[5], now, ttl, tonumber(ARGV[2]))
return out
