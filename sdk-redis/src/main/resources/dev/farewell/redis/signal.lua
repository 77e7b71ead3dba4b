-- Applies one page signal. KEYS: due, claimed, hold, session, tombstone reasons, gen, tombmark,
-- nodes.
-- ARGV: type, pageId, sequence, hidden, navigation, ageMs, force, heartbeatTimeoutMs,
--       hiddenTimeoutMs, exitGraceMs, navigationGraceMs, maxPages, maxSessions, sessionKey,
--       knownGeneration, recoveryGraceMs, partitionGraceMs.
-- Returns {status, accepted, reason, generation, rolledBack}: the session's generation (field g,
-- the shard's write counter when it was last written) and 1 when it was lower than the one the
-- node saw last (Redis went back in time: the shard is then held for the recovery grace, so
-- that no stale deadline releases a beating session).
local now = clock()
local typ, pid, seq = ARGV[1], ARGV[2], tonumber(ARGV[3])
local at = now - tonumber(ARGV[6])
local key = ARGV[14]
local dead = tombstone(KEYS[5], key, now)
if dead then return {'RELEASED', 0, dead, 0, 0} end
local h, n = hash(KEYS[4])
local g = tonumber(h.g or '0')
local rolled = 0
if n > 0 and g < tonumber(ARGV[15]) then
  rolled = 1
  redis.call('SET', KEYS[3], 'rollback', 'PX', ARGV[16])
end
if n == 0 then
  -- Tombstones were forgotten by count within their TTL: this key may be one of them.
  if tonumber(redis.call('GET', KEYS[7]) or '0') > now then
    return {'RELEASED', 0, 'TIMEOUT', 0, 0}
  end
  if typ == 'EXIT' then return {'EXITING', 0, '', 0, 0} end
  if redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[13]) then
    return {'FULL', 0, '', 0, 0}
  end
  h = {st = 'L', tr = str(at), ls = str(at)}
else
  -- Due but not claimed yet: the session is over, unless a recovery hold says deadlines are stale.
  local over = h.cl or (tonumber(h.dl) <= now and ARGV[7] ~= '1'
    and not stale(KEYS[3], KEYS[8], now, tonumber(ARGV[17])))
  if over and not h.rt then return {'RELEASED', 0, h.rr or reason(h), g, rolled} end
  if over then
    -- The application tracked the key again while the old session is being released: this page
    -- belongs to the new session, which the acknowledgement starts with the pages noted here.
    local nf = 'n:' .. pid
    if h[nf] and seq <= page(h[nf]).seq then return {'LIVE', 0, '', g, rolled} end
    local p
    if typ == 'EXIT' then
      p = {st = 'E', seq = seq, ls = at, dl = at}
    else
      local hidden = ARGV[4] == '1'
      if typ == 'HIDDEN' then hidden = true elseif typ == 'VISIBLE' then hidden = false end
      local timeout = tonumber(ARGV[8])
      if hidden then timeout = tonumber(ARGV[9]) end
      p = {st = hidden and 'H' or 'V', seq = seq, ls = at, dl = at + timeout}
    end
    g = redis.call('INCR', KEYS[6])
    redis.call('HSET', KEYS[4], nf, pagestr(p), 'g', g)
    if typ == 'EXIT' then return {'EXITING', 1, '', g, rolled} end
    return {'LIVE', 1, '', g, rolled}
  end
end
local field = 'p:' .. pid
-- aw: after track(), the session awaits the page the application served until this time.
local aw = tonumber(h.aw or '0')
if not h[field] or aw <= now then aw = 0 end
if h[field] then
  if seq <= page(h[field]).seq then
    if h.st == 'X' then return {'EXITING', 0, '', g, rolled} end
    return {'LIVE', 0, '', g, rolled}
  end
else
  local count = 0
  for f, _ in pairs(h) do if ispage(f) then count = count + 1 end end
  if count >= tonumber(ARGV[12]) then
    for f, v in pairs(h) do
      if ispage(f) then
        local q = page(v)
        if q.st == 'E' or q.dl <= now then
          redis.call('HDEL', KEYS[4], f)
          h[f] = nil
          count = count - 1
        end
      end
    end
    if count >= tonumber(ARGV[12]) then
      -- A refused page is not tracked, but it beats in a browser: each of its signals other than
      -- EXIT keeps the session alive for that signal's timeout.
      if typ ~= 'EXIT' then
        local hidden = ARGV[4] == '1'
        if typ == 'HIDDEN' then hidden = true elseif typ == 'VISIBLE' then hidden = false end
        local alive = at + tonumber(hidden and ARGV[9] or ARGV[8])
        if alive > tonumber(h.dl) then
          g = redis.call('INCR', KEYS[6])
          redis.call('HSET', KEYS[4], 'st', 'L', 'dl', str(alive), 'g', g)
          redis.call('ZADD', KEYS[1], alive, key)
        end
      end
      return {'FULL', 0, '', g, rolled}
    end
  end
end
local p
if typ == 'EXIT' then
  p = {st = 'E', seq = seq, ls = at, dl = at}
else
  local hidden = ARGV[4] == '1'
  if typ == 'HIDDEN' then hidden = true elseif typ == 'VISIBLE' then hidden = false end
  if hidden then
    p = {st = 'H', seq = seq, ls = at, dl = at + tonumber(ARGV[9])}
  else
    p = {st = 'V', seq = seq, ls = at, dl = at + tonumber(ARGV[8])}
  end
end
h[field] = pagestr(p)
local alive, latest = nil, nil
for f, v in pairs(h) do
  if ispage(f) then
    local q = page(v)
    if q.st ~= 'E' then
      if latest == nil or q.dl > latest then latest = q.dl end
      if q.dl > now and (alive == nil or q.dl > alive) then alive = q.dl end
    end
  end
end
local st, dl
if alive or typ ~= 'EXIT' then
  st, dl = 'L', alive or latest
  if aw > dl then dl = aw end
else
  local grace = tonumber(ARGV[10])
  if ARGV[5] == '1' then grace = tonumber(ARGV[11]) end
  -- After track(), before the served page signalled, this exit is most likely the previous page
  -- leaving for it (pagehide fires after the next response arrives): a navigation. Not the open
  -- timeout: the page served may be a prefetch never shown.
  if aw > 0 and tonumber(ARGV[11]) > grace then grace = tonumber(ARGV[11]) end
  st, dl = 'X', at + grace
end
local ls = tonumber(h.ls)
if at > ls then ls = at end
g = redis.call('INCR', KEYS[6])
redis.call('HSET', KEYS[4], field, h[field], 'st', st, 'dl', str(dl), 'ls', str(ls), 'tr', h.tr,
  'aw', str(aw), 'g', g)
redis.call('ZADD', KEYS[1], dl, key)
if st == 'X' then return {'EXITING', 1, '', g, rolled} end
return {'LIVE', 1, '', g, rolled}
