package inbox

import "github.com/redis/go-redis/v9"

// Routing state of a line lives in Redis under one hash tag, {line:ID}, so
// each script below touches one hash slot and runs unchanged on Redis
// Cluster. Keys, in the order every script receives them:
//
//	1 queue     zset  conversation → score (priority first, then waiting time)
//	2 offers    zset  conversation → offer deadline (ms)
//	3 offer     hash  conversation → offered operator ids, comma-separated
//	4 presence  hash  operator → online | break | offline (mirror of live presence)
//	5 load      hash  operator → active conversations + reserved offers
//	6 cap       hash  operator → capacity in this line
//	7 order     zset  operator → position in the line's queue order
//	8 rr        string position of the last operator picked (round-robin)
//	9 declined  hash  conversation → operators who declined or let it time out
//	10 pref     hash  conversation → preferred (sticky) operator
//	11 assigned hash  conversation → operator who has it
const lineKeyCount = 11

var lineKeyNames = [lineKeyCount]string{"queue", "offers", "offer", "presence", "load", "cap", "order", "rr", "declined", "pref", "assigned"}

// routeScript offers waiting conversations to free operators. ARGV: now,
// deadline, mode, max offers. Returns a flat list of
// {conversation, operators csv, reason} triples.
//
// Presence, load and capacity are read once per pass into Lua tables (and
// the load table follows the pass's own increments): a line of 300
// operators cost 900 calls per examined conversation when each was read
// with its own HGET, and the script holds Redis for its whole run.
var routeScript = redis.NewScript(`
local queue, offers, offer, presence, load, cap, order, rr, declined, pref = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10]
local now, deadline, mode, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
if mode == 'manual' then return {} end
local function hash(key)
  local flat, t = redis.call('HGETALL', key), {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i+1] end
  return t
end
local ops = redis.call('ZRANGE', order, 0, -1, 'WITHSCORES')
local states, loads, caps = hash(presence), hash(load), hash(cap)
for k, v in pairs(loads) do loads[k] = tonumber(v) end
for k, v in pairs(caps) do caps[k] = tonumber(v) end
local out = {}
local made = 0
local start = 0
while made < limit do
  local batch = redis.call('ZRANGE', queue, start, start + 99)
  if #batch == 0 then break end
  start = start + 100
  for _, conv in ipairs(batch) do
    if made >= limit then break end
    local anyFree = false
    if not redis.call('ZSCORE', offers, conv) then
      local declinedBy = ',' .. (redis.call('HGET', declined, conv) or '') .. ','
      local free, skipped = {}, {}
      for i = 1, #ops, 2 do
        local op, pos = ops[i], tonumber(ops[i+1])
        local st = states[op] or 'offline'
        local l = loads[op] or 0
        local c = caps[op] or 0
        if st ~= 'online' then
          table.insert(skipped, op .. ':' .. st)
        elseif l >= c then
          table.insert(skipped, op .. ':at_capacity')
        else
          anyFree = true
          if string.find(declinedBy, ',' .. op .. ',', 1, true) then
            table.insert(skipped, op .. ':declined')
          else
            table.insert(free, {op = op, pos = pos, load = l, cap = c})
          end
        end
      end
      if #free > 0 then
        local chosen, why = {}, mode
        local want = redis.call('HGET', pref, conv)
        if want and mode ~= 'offer_all' then
          for _, f in ipairs(free) do if f.op == want then chosen = {f}; why = 'sticky' end end
        end
        if #chosen == 0 then
          if mode == 'offer_all' then
            chosen = free
          elseif mode == 'strict' then
            chosen = {free[1]}
          elseif mode == 'least_busy' then
            local best = free[1]
            for _, f in ipairs(free) do
              if f.load / f.cap < best.load / best.cap then best = f end
            end
            chosen = {best}
          else
            local last = tonumber(redis.call('GET', rr) or '-1')
            local pick = nil
            for _, f in ipairs(free) do if f.pos > last then pick = f; break end end
            if not pick then pick = free[1] end
            redis.call('SET', rr, pick.pos)
            chosen = {pick}
          end
        end
        local ids = {}
        for _, f in ipairs(chosen) do
          table.insert(ids, f.op)
          if mode ~= 'offer_all' then
            redis.call('HINCRBY', load, f.op, 1)
            loads[f.op] = (loads[f.op] or 0) + 1
          end
        end
        local csv = table.concat(ids, ',')
        redis.call('ZADD', offers, deadline, conv)
        redis.call('HSET', offer, conv, csv)
        table.insert(out, conv)
        table.insert(out, csv)
        table.insert(out, why .. ';' .. table.concat(skipped, ','))
        made = made + 1
      elseif not anyFree then
        return out
      end
    end
  end
end
return out
`)

// acceptScript gives an offered conversation to one of its operators.
// ARGV: conversation, operator, mode. Returns "ok", "no_offer" or "capacity".
var acceptScript = redis.NewScript(`
local queue, offers, offer, presence, load, cap, order, rr, declined, pref, assigned = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11]
local conv, op, mode = ARGV[1], ARGV[2], ARGV[3]
local csv = redis.call('HGET', offer, conv)
if not csv or not string.find(',' .. csv .. ',', ',' .. op .. ',', 1, true) then return 'no_offer' end
local holder = redis.call('HGET', assigned, conv)
if holder and holder ~= op then
  -- taken from the queue by someone else meanwhile: the offer is void
  if mode ~= 'offer_all' then
    for id in string.gmatch(csv, '[^,]+') do
      if tonumber(redis.call('HINCRBY', load, id, -1)) < 0 then redis.call('HSET', load, id, 0) end
    end
  end
  redis.call('ZREM', offers, conv)
  redis.call('HDEL', offer, conv)
  redis.call('ZREM', queue, conv)
  return 'no_offer'
end
if mode == 'offer_all' then
  local l = tonumber(redis.call('HGET', load, op) or '0')
  local c = tonumber(redis.call('HGET', cap, op) or '0')
  if l >= c then return 'capacity' end
  redis.call('HINCRBY', load, op, 1)
end
redis.call('ZREM', offers, conv)
redis.call('HDEL', offer, conv)
redis.call('ZREM', queue, conv)
redis.call('HDEL', declined, conv)
redis.call('HDEL', pref, conv)
redis.call('HSET', assigned, conv, op)
return 'ok'
`)

// declineScript withdraws an offer from one operator (declined, timed out
// or gone). ARGV: conversation, operator, mode, remember ("1": skip this
// operator for this conversation from now on). Returns 1 if an offer was
// withdrawn.
var declineScript = redis.NewScript(`
local queue, offers, offer, presence, load, cap, order, rr, declined = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
local conv, op, mode, remember = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local csv = redis.call('HGET', offer, conv)
if not csv or not string.find(',' .. csv .. ',', ',' .. op .. ',', 1, true) then return 0 end
local rest = {}
for id in string.gmatch(csv, '[^,]+') do if id ~= op then table.insert(rest, id) end end
if mode ~= 'offer_all' then
  if tonumber(redis.call('HINCRBY', load, op, -1)) < 0 then redis.call('HSET', load, op, 0) end
end
if #rest == 0 then
  redis.call('ZREM', offers, conv)
  redis.call('HDEL', offer, conv)
else
  redis.call('HSET', offer, conv, table.concat(rest, ','))
end
if remember == '1' then
  local d = redis.call('HGET', declined, conv)
  if d then d = d .. ',' .. op else d = op end
  redis.call('HSET', declined, conv, d)
end
return 1
`)

// expireScript withdraws every offer past its deadline. ARGV: now, mode.
// Returns {conversation, operators csv} pairs.
var expireScript = redis.NewScript(`
local queue, offers, offer, presence, load, cap, order, rr, declined = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
local now, mode = tonumber(ARGV[1]), ARGV[2]
local due = redis.call('ZRANGEBYSCORE', offers, '-inf', now, 'LIMIT', 0, 200)
local out = {}
for _, conv in ipairs(due) do
  local csv = redis.call('HGET', offer, conv) or ''
  for op in string.gmatch(csv, '[^,]+') do
    if mode ~= 'offer_all' then
      if tonumber(redis.call('HINCRBY', load, op, -1)) < 0 then redis.call('HSET', load, op, 0) end
    end
    local d = redis.call('HGET', declined, conv)
    if d then d = d .. ',' .. op else d = op end
    redis.call('HSET', declined, conv, d)
  end
  redis.call('ZREM', offers, conv)
  redis.call('HDEL', offer, conv)
  table.insert(out, conv)
  table.insert(out, csv)
end
return out
`)

// assignScript gives a conversation to an operator directly: taking it
// from the queue, a transfer or a supervisor's reassignment. ARGV:
// conversation, operator, force ("1": ignore capacity). Withdraws any
// pending offer and releases the previous operator. Returns "ok",
// "capacity".
var assignScript = redis.NewScript(`
local queue, offers, offer, presence, load, cap, order, rr, declined, pref, assigned = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11]
local conv, op, force, mode = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local l = tonumber(redis.call('HGET', load, op) or '0')
local c = tonumber(redis.call('HGET', cap, op) or '0')
local prev = redis.call('HGET', assigned, conv)
if prev == op then return 'ok' end
if force ~= '1' and l >= c then return 'capacity' end
local csv = redis.call('HGET', offer, conv)
if csv and mode ~= 'offer_all' then
  for id in string.gmatch(csv, '[^,]+') do
    if tonumber(redis.call('HINCRBY', load, id, -1)) < 0 then redis.call('HSET', load, id, 0) end
  end
end
if prev then
  if tonumber(redis.call('HINCRBY', load, prev, -1)) < 0 then redis.call('HSET', load, prev, 0) end
end
redis.call('ZREM', offers, conv)
redis.call('HDEL', offer, conv)
redis.call('ZREM', queue, conv)
redis.call('HDEL', declined, conv)
redis.call('HDEL', pref, conv)
redis.call('HINCRBY', load, op, 1)
redis.call('HSET', assigned, conv, op)
return 'ok'
`)

// releaseScript frees the operator of a conversation that closed, went
// back to the queue or moved to another line, and drops it from the queue.
// ARGV: conversation, mode.
var releaseScript = redis.NewScript(`
local queue, offers, offer, presence, load, cap, order, rr, declined, pref, assigned = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11]
local conv, mode = ARGV[1], ARGV[2]
local csv = redis.call('HGET', offer, conv)
if csv and mode ~= 'offer_all' then
  for id in string.gmatch(csv, '[^,]+') do
    if tonumber(redis.call('HINCRBY', load, id, -1)) < 0 then redis.call('HSET', load, id, 0) end
  end
end
local prev = redis.call('HGET', assigned, conv)
if prev then
  if tonumber(redis.call('HINCRBY', load, prev, -1)) < 0 then redis.call('HSET', load, prev, 0) end
end
redis.call('ZREM', offers, conv)
redis.call('HDEL', offer, conv)
redis.call('ZREM', queue, conv)
redis.call('HDEL', declined, conv)
redis.call('HDEL', pref, conv)
redis.call('HDEL', assigned, conv)
return 1
`)

// enqueueScript puts a conversation into the queue unless an operator
// already has it (a take can overtake the enqueue that follows a commit).
// ARGV: conversation, score, preferred operator ("" for none).
var enqueueScript = redis.NewScript(`
local queue, offers, offer, presence, load, cap, order, rr, declined, pref, assigned = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11]
local conv, score, want = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HEXISTS', assigned, conv) == 1 then return 0 end
redis.call('ZADD', queue, score, conv)
if want ~= '' then redis.call('HSET', pref, conv, want) end
return 1
`)
