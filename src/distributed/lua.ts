// The scripts of the Redis store: one per operation, each atomic, each on the keys of one
// breaker only, each reading the time from Redis (`TIME`) so every instance shares one clock.

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// HMGET of the decision, as the reply's fields: gen, state, at, wait, by.
const DECISION = `local function decision()
  local d = redis.call('HMGET', KEYS[2], 'gen', 'state', 'at', 'wait', 'by')
  return tonumber(d[1]) or 0, d[2] or 'closed', tonumber(d[3]) or 0, tonumber(d[4]) or 0, d[5] or ''
end`;

// How long the decision key lives: an open decision outlives its wait.
const DECISION_TTL = `local function decisionTtl(state, at, wait, now, ttl)
  if state == 'open' then return math.max(ttl, at + wait - now + ttl) end
  return ttl
end`;

/**
 * KEYS: counts, decision, lease. ARGV: instance, generation (-1: read only), bucket ms,
 * buckets, ttl, then (age, successes, failures, slow) per local bucket.
 * Reply: now, gen, state, at, wait, by, accepted, lease holder, lease pttl, then
 * (instance, calls, failures, slow) per instance in the window.
 */
export const FLUSH = `${NOW}
${DECISION}
${DECISION_TTL}
local inst = ARGV[1]
local gen = tonumber(ARGV[2])
local bucketMs = tonumber(ARGV[3])
local nb = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
local oldest = math.floor(now / bucketMs) - nb + 1
local g, state, at, wait, by = decision()
local accepted = 0
if gen >= 0 and gen == g then
  accepted = 1
  local kinds = { 's', 'f', 'w' }
  for i = 6, #ARGV, 4 do
    local b = math.floor((now - tonumber(ARGV[i])) / bucketMs)
    if b >= oldest then
      for k = 1, 3 do
        local v = tonumber(ARGV[i + k])
        if v > 0 then redis.call('HINCRBY', KEYS[1], b .. ':' .. inst .. ':' .. kinds[k], v) end
      end
    end
  end
  redis.call('PEXPIRE', KEYS[1], ttl)
  if g > 0 then redis.call('PEXPIRE', KEYS[2], decisionTtl(state, at, wait, now, ttl)) end
end
local all = redis.call('HGETALL', KEYS[1])
local totals, order, stale = {}, {}, {}
for i = 1, #all, 2 do
  local bs, who, kind = string.match(all[i], '^(%-?%d+):(.*):(%a)$')
  local b = tonumber(bs)
  if b == nil or b < oldest then
    stale[#stale + 1] = all[i]
  else
    local e = totals[who]
    if not e then
      e = { 0, 0, 0 }
      totals[who] = e
      order[#order + 1] = who
    end
    local v = tonumber(all[i + 1])
    if kind == 's' then e[1] = e[1] + v elseif kind == 'f' then e[2] = e[2] + v else e[3] = e[3] + v end
  end
end
if accepted == 1 then
  for i = 1, #stale, 500 do
    redis.call('HDEL', KEYS[1], unpack(stale, i, math.min(i + 499, #stale)))
  end
end
local holder = redis.call('GET', KEYS[3]) or ''
local pttl = 0
if holder ~= '' then pttl = redis.call('PTTL', KEYS[3]) end
local reply = { now, g, state, at, wait, by, accepted, holder, pttl }
for _, who in ipairs(order) do
  local e = totals[who]
  reply[#reply + 1] = who
  reply[#reply + 1] = e[1] + e[2]
  reply[#reply + 1] = e[2]
  reply[#reply + 1] = e[3]
end
return reply`;

/**
 * KEYS: counts, decision, lease. ARGV: expected generation, state, wait, by, ttl, channel.
 * Reply: accepted, now, gen, state, at, wait, by.
 */
export const PUBLISH = `${NOW}
${DECISION}
${DECISION_TTL}
local g, state, at, wait, by = decision()
if g ~= tonumber(ARGV[1]) then return { 0, now, g, state, at, wait, by } end
local ng = g + 1
local newWait = 0
if ARGV[2] == 'open' then newWait = tonumber(ARGV[3]) end
redis.call('HSET', KEYS[2], 'gen', ng, 'state', ARGV[2], 'at', now, 'wait', newWait, 'by', ARGV[4])
redis.call('PEXPIRE', KEYS[2], decisionTtl(ARGV[2], now, newWait, now, tonumber(ARGV[5])))
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('PUBLISH', ARGV[6], ng .. '|' .. ARGV[2] .. '|' .. now .. '|' .. newWait .. '|' .. ARGV[4])
return { 1, now, ng, ARGV[2], now, newWait, ARGV[4] }`;

/**
 * KEYS: decision, lease. ARGV: generation, instance, ttl.
 * Reply: granted, now, holder, ttl.
 */
export const LEASE = `${NOW}
local d = redis.call('HMGET', KEYS[1], 'gen', 'state', 'at', 'wait')
if (tonumber(d[1]) or 0) ~= tonumber(ARGV[1]) or d[2] ~= 'open' then return { 0, now, '', 0 } end
local due = tonumber(d[3]) + tonumber(d[4])
if now < due then return { 0, now, '', due - now } end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[2] then return { 0, now, holder, redis.call('PTTL', KEYS[2]) } end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return { 1, now, ARGV[2], tonumber(ARGV[3]) }`;

/** KEYS: lease. ARGV: instance. Deletes the lease if the instance holds it. */
export const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;
