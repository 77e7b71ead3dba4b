-- Extends this node's leases on the releases whose actions it is running.
-- KEYS: claimed, then the session hash of each pair. ARGV: owner, leaseMs, then (session key,
-- release id) pairs. Returns the keys no longer held (taken over, or already forgotten).
local now = clock()
local lease = now + tonumber(ARGV[2])
local lost = {}
for i = 3, #ARGV, 2 do
  local k, rid = ARGV[i], ARGV[i + 1]
  local sk = KEYS[1 + (i - 1) / 2]
  local held = redis.call('HMGET', sk, 'cl', 'rid')
  if held[1] == ARGV[1] and held[2] == rid then
    redis.call('ZADD', KEYS[1], 'XX', lease, k)
  else
    lost[#lost + 1] = k
  end
end
return lost
