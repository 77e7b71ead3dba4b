-- Every script reads Redis's own clock, so the clocks of the nodes never matter.
local function clock()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
