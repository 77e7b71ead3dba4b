-- Tests only: shadows the shipped clock.lua on the test class path. A test that drives time sets
-- the key {prefix:shard}:clock (epoch millis) of each shard; without that key, Redis's clock.
local function clock()
  local tag = string.match(KEYS[1], '^({[^}]*})')
  local fake = tag and redis.call('GET', tag .. ':clock')
  if fake then return tonumber(fake) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
