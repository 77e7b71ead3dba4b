-- Forgets decided releases whose actions completed: the tombstone is written and the session
-- removed in one step. Idempotent: a release already forgotten (a lost reply, another node that
-- took over and finished first) is skipped. Checked by release id, not by owner, so a node whose
-- lease ran out while its actions completed still finishes the release.
-- Each release is worked out before its first write, so that an error cannot leave it half done
-- (a script's writes before an error stay).
-- KEYS: claimed, tombs, due, gen, tombmark, tombstone reasons, then the session hash of each
-- pair. ARGV: tombstoneTtlMs, maxTombstones, openTimeoutMs, then (session key, release id) pairs.
-- Returns {forgotten, failed}: the keys forgotten, and (key, error) for each release that failed.
local now = clock()
local out = {}
local ttl = tonumber(ARGV[1])
-- The session that track() started while the release ran (rt): its fields, then its pages.
local function restarted(h)
  local aw = now + tonumber(ARGV[3])
  local dl, st = aw, 'P'
  -- Pages of the new session that signalled meanwhile (signal.lua noted them as n:<page>).
  local pages = {}
  for f, v in pairs(h) do
    if string.sub(f, 1, 2) == 'n:' then
      local p = page(v)
      pages[#pages + 1] = 'p:' .. string.sub(f, 3)
      pages[#pages + 1] = v
      if p.st ~= 'E' then
        st = 'L'
        if p.dl > dl then dl = p.dl end
      end
    end
  end
  -- Pages refused for the page limit that beat meanwhile.
  local floor = tonumber(h.nd or '0')
  if floor > dl then st, dl = 'L', floor end
  local fields = {'st', st, 'tr', str(now), 'ls', str(now), 'dl', str(dl), 'aw', str(aw),
    'at', h.ra or ''}
  -- They may beat on: the new session keeps them as its own refused pages (fd).
  if floor > now then
    fields[#fields + 1] = 'fd'
    fields[#fields + 1] = str(floor)
  end
  if h.xid then
    -- Its release was asked meanwhile (release.lua answered true): decided under that id and held
    -- by nobody, so that the next sweep of any node takes it over.
    dl = now
    for _, fv in ipairs({{'dl', str(now)}, {'cl', '-'}, {'rr', h.xr}, {'rid', h.xid},
        {'rat', h.xat}}) do
      fields[#fields + 1] = fv[1]
      fields[#fields + 1] = fv[2]
    end
    if h.xt then
      -- Tracked again after that: the acknowledgement of this release starts that session.
      fields[#fields + 1] = 'rt'; fields[#fields + 1] = '1'
      fields[#fields + 1] = 'ra'; fields[#fields + 1] = h.xa or ''
    end
  end
  return fields, pages, dl
end
-- Forgets the release of the i-th pair, if still decided under its id.
local function forget(i)
  local k, rid = ARGV[i], ARGV[i + 1]
  local sk = KEYS[6 + (i - 2) / 2]
  if redis.call('HGET', sk, 'rid') ~= rid then return end
  local h = hash(sk)
  local fields, pages, dl
  if h.rt then fields, pages, dl = restarted(h) end
  redis.call('ZREM', KEYS[1], k)
  redis.call('DEL', sk)
  if fields then
    -- The application tracked the key again while this release was under way: a new session.
    redis.call('HDEL', KEYS[6], k)
    fields[#fields + 1] = 'g'
    fields[#fields + 1] = redis.call('INCR', KEYS[4])
    redis.call('HSET', sk, unpack(fields))
    each(sk, 'HSET', pages, 1000)
    if h.xid then
      redis.call('ZADD', KEYS[1], now, k)
    else
      redis.call('ZADD', KEYS[3], dl, k)
    end
  else
    redis.call('HSET', KEYS[6], k, h.rr .. ',' .. str(now + ttl))
    redis.call('ZADD', KEYS[2], now, k)
  end
  out[#out + 1] = k
end
-- One release that fails (a hash it cannot read) does not hold back the others of the call.
local failed = {}
for i = 4, #ARGV, 2 do
  local ok, err = pcall(forget, i)
  if not ok then
    failed[#failed + 1] = ARGV[i]
    failed[#failed + 1] = type(err) == 'table' and err.err or tostring(err)
  end
end
trimtombs(KEYS[2], KEYS[6], KEYS[5], now, ttl, tonumber(ARGV[2]))
return {out, failed}
