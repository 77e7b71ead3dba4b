-- Applies page signals of one shard, in order, each as if it ran alone at the same instant: a node
-- sends the signals of concurrent callers in one call, so that Redis pays a script's fixed cost
-- once per batch, and the checks of the shard (its clock, hold and missing nodes, tombstone
-- watermark, session count, write counter) are read at most once.
-- KEYS: due, claimed, hold, tombstone reasons, gen, tombmark, nodes, then the session hash of each
-- signal.
-- ARGV: heartbeatTimeoutMs, hiddenTimeoutMs, exitGraceMs, navigationGraceMs, maxPages,
--       maxSessions, recoveryGraceMs, partitionGraceMs, then 9 per signal: sessionKey, type,
--       pageId, sequence, hidden, navigation, ageMs, force, knownGeneration.
-- Returns 5 values per signal: status, accepted, reason, generation, rolledBack: the session's
-- generation (field g, the shard's write counter when it was last written) and 1 when it was lower
-- than the one the node saw last (Redis went back in time: the shard is then held for the recovery
-- grace, so that no stale deadline releases a beating session). A signal whose command failed
-- answers status ERR with the error in reason; the others are applied all the same.
local now = clock()
local due, claimed, hold, reasons, gen, mark, nodes = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local beatMs, hiddenMs = tonumber(ARGV[1]), tonumber(ARGV[2])
local exitMs, navMs = tonumber(ARGV[3]), tonumber(ARGV[4])
local maxPages, maxSessions = tonumber(ARGV[5]), tonumber(ARGV[6])
local recoveryMs, partitionMs = ARGV[7], tonumber(ARGV[8])

-- The shard's state, each read when a signal first needs it.
local held, count, watermark, written = nil, nil, nil, nil
local function shardstale()
  if held == nil then held = stale(hold, nodes, now, partitionMs) end
  return held
end
-- Live and claimed sessions, kept up to date with every session this call adds.
local function sessions()
  if count == nil then count = redis.call('ZCARD', due) + redis.call('ZCARD', claimed) end
  return count
end
local function deadline(dl, key)
  local added = redis.call('ZADD', due, dl, key)
  if count ~= nil then count = count + added end
end
-- One increment of the write counter per call: the writes of one call are one step of the shard.
local function generation()
  if written == nil then written = redis.call('INCR', gen) end
  return written
end
local function timeout(typ, hidden)
  if typ == 'HIDDEN' then hidden = true elseif typ == 'VISIBLE' then hidden = false end
  if hidden then return 'H', hiddenMs end
  return 'V', beatMs
end
-- The page a signal leaves: exited, or visible or hidden until its timeout.
local function signalled(typ, hidden, seq, at)
  if typ == 'EXIT' then return {st = 'E', seq = seq, ls = at, dl = at} end
  local st, ms = timeout(typ, hidden)
  return {st = st, seq = seq, ls = at, dl = at + ms}
end

-- Applies the i-th signal; returns its 5 answers.
local function apply(i)
  local session = KEYS[7 + i]
  local a = 8 + (i - 1) * 9
  local key, typ, pid, seq = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], tonumber(ARGV[a + 4])
  local hidden, nav, force = ARGV[a + 5] == '1', ARGV[a + 6] == '1', ARGV[a + 8] == '1'
  local at, known = now - tonumber(ARGV[a + 7]), tonumber(ARGV[a + 9])
  local dead = tombstone(reasons, key, now)
  if dead then return 'RELEASED', 0, dead, 0, 0 end
  local h, n = hash(session)
  local g = tonumber(h.g or '0')
  local floor = 0
  local rolled = 0
  if n > 0 and g < known then
    rolled = 1
    redis.call('SET', hold, 'rollback', 'PX', recoveryMs)
    held = true
  end
  if n == 0 then
    -- Tombstones were forgotten by count within their TTL: this key may be one of them.
    if watermark == nil then watermark = tonumber(redis.call('GET', mark) or '0') end
    if watermark > now then return 'RELEASED', 0, 'TIMEOUT', 0, 0 end
    if typ == 'EXIT' then return 'EXITING', 0, '', 0, 0 end
    if sessions() >= maxSessions then return 'FULL', 0, '', 0, 0 end
    h = {st = 'L', tr = str(at), ls = str(at)}
  else
    -- Due but not claimed yet: the session is over, unless a hold says deadlines are stale.
    local over = h.cl or (tonumber(h.dl) <= now and not force and not shardstale())
    if over and not h.rt then return 'RELEASED', 0, h.rr or reason(h), g, rolled end
    -- A release asked of the new session (release.lua): its pages are told so.
    if over and h.xid then return 'RELEASED', 0, h.xr, g, rolled end
    if over then
      -- The application tracked the key again while the old session is being released: this
      -- page belongs to the new session, which the acknowledgement starts with the pages noted
      -- here, as many as a session may have.
      local nf = 'n:' .. pid
      if h[nf] and seq <= page(h[nf]).seq then return 'LIVE', 0, '', g, rolled end
      if not h[nf] and not room(session, h, 'n:', maxPages, now) then
        -- Refused, but it beats in a browser: the new session starts alive at least that long.
        if typ ~= 'EXIT' then
          local _, ms = timeout(typ, hidden)
          if at + ms > tonumber(h.nd or '0') then
            g = generation()
            redis.call('HSET', session, 'nd', str(at + ms), 'g', g)
          end
        end
        return 'FULL', 0, '', g, rolled
      end
      g = generation()
      redis.call('HSET', session, nf, pagestr(signalled(typ, hidden, seq, at)), 'g', g)
      if typ == 'EXIT' then return 'EXITING', 1, '', g, rolled end
      return 'LIVE', 1, '', g, rolled
    end
    if adopt(due, claimed, session, key, h, now, maxPages) then
      -- The deadline adopted (pages noted, refused pages' beats) holds through this signal.
      floor = tonumber(h.dl)
      g = generation()
      redis.call('HSET', session, 'g', g)
      if h.cl then return 'RELEASED', 0, h.rr, g, rolled end
    end
  end
  local field = 'p:' .. pid
  -- aw: after track(), the session awaits the page the application served until this time.
  local aw = tonumber(h.aw or '0')
  if not h[field] or aw <= now then aw = 0 end
  if h[field] then
    if seq <= page(h[field]).seq then
      if h.st == 'X' then return 'EXITING', 0, '', g, rolled end
      return 'LIVE', 0, '', g, rolled
    end
  else
    if not room(session, h, 'p:', maxPages, now) then
      -- A refused page is not tracked, but it beats in a browser: each of its signals other
      -- than EXIT keeps the session alive for that signal's timeout (fd, which later signals of
      -- the session's pages do not lower).
      if typ ~= 'EXIT' then
        local _, ms = timeout(typ, hidden)
        local alive = at + ms
        if alive > tonumber(h.fd or '0') then
          g = generation()
          redis.call('HSET', session, 'fd', str(alive), 'g', g)
          if alive > tonumber(h.dl) then
            redis.call('HSET', session, 'st', 'L', 'dl', str(alive))
            deadline(alive, key)
          end
        end
      end
      return 'FULL', 0, '', g, rolled
    end
  end
  h[field] = pagestr(signalled(typ, hidden, seq, at))
  local alive, latest = nil, nil
  for f, v in pairs(h) do
    -- Exited pages count for nothing here, so they are not parsed (69 is the byte of E).
    if ispage(f) and string.byte(v) ~= 69 then
      local q = page(v)
      if latest == nil or q.dl > latest then latest = q.dl end
      if q.dl > now and (alive == nil or q.dl > alive) then alive = q.dl end
    end
  end
  local st, dl
  if alive or typ ~= 'EXIT' then
    st, dl = 'L', alive or latest
    if aw > dl then dl = aw end
  else
    local grace = exitMs
    if nav then grace = navMs end
    -- After track(), before the served page signalled, this exit is most likely the previous
    -- page leaving for it (pagehide fires after the next response arrives): a navigation. Not
    -- the open timeout: the page served may be a prefetch never shown.
    if aw > 0 and navMs > grace then grace = navMs end
    st, dl = 'X', at + grace
  end
  if floor > now and floor > dl then st, dl = 'L', floor end
  -- A refused page may beat until fd: the session lives at least that long.
  local fd = tonumber(h.fd or '0')
  if fd > now and fd > dl then st, dl = 'L', fd end
  local ls = tonumber(h.ls)
  if at > ls then ls = at end
  g = generation()
  redis.call('HSET', session, field, h[field], 'st', st, 'dl', str(dl), 'ls', str(ls), 'tr', h.tr,
    'aw', str(aw), 'g', g)
  deadline(dl, key)
  if st == 'X' then return 'EXITING', 1, '', g, rolled end
  return 'LIVE', 1, '', g, rolled
end

local out = {}
for i = 1, #KEYS - 7 do
  local ok, status, accepted, why, g, rolled = pcall(apply, i)
  if not ok then
    -- status holds the error: a table {err = ...} for a failed Redis command, else its text.
    local message = type(status) == 'table' and status.err or tostring(status)
    status, accepted, why, g, rolled = 'ERR', 0, message, 0, 0
  end
  out[#out + 1] = status
  out[#out + 1] = accepted
  out[#out + 1] = why
  out[#out + 1] = g
  out[#out + 1] = rolled
end
return out
