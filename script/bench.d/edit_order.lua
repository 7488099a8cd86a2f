-- POST /orders/<id>/edit with action=save, as the edit form does: the
-- session's CSRF token, the order's version (the hidden expected_version the
-- form carries), a unique idempotency key per request (run tag, thread,
-- counter), the order's address unchanged. Each edit of a one-line order
-- `A × 1` makes it `A × 2, B × 1`; the next one makes it `A × 1` again
-- (`B` at quantity 0: removed). With a fifth argument the edits keep the
-- priced order's money (issue 24): 10% off line A, 2.00 off the order,
-- 4.99 shipping taxed at the given rate.
-- wrk ... -s edit_order.lua URL -- <csrf_token> <orders file> <run tag> <wrk threads> [<rate id>]
-- The orders file (`orderdesk-bench edit-orders`) has one order a line:
-- `<id> <version> <sku A> <sku B> <lines now: 1 or 2>`. Thread t of n takes
-- every n-th order and edits them in turn, so no two threads share an
-- order; the version and the shape of each are followed from the answers
-- (303 to /orders/<id>: one more version, the other shape), not re-read.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  csrf = args[1]
  run = args[3]
  local n = tonumber(args[4])
  discount = ""
  priced = ""
  if args[5] and args[5] ~= "" then
    discount = "&lines[0].discount=10%25"
    priced = "&order_discount=2.00&shipping_charge=4.99&shipping_tax_rate=" .. args[5]
  end
  orders = {}
  by_id = {}
  local i = 0
  for line in io.lines(args[2]) do
    if i % n == tid - 1 then
      local id, v, a, b, l = line:match("^(%d+) (%d+) (%S+) (%S+) (%d+)$")
      if id then
        local o = { id = id, version = tonumber(v), a = a, b = b, two = (l == "2") }
        table.insert(orders, o)
        by_id[id] = o
      end
    end
    i = i + 1
  end
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  counter = 0
  edited = 0
  other = 0
end

function request()
  counter = counter + 1
  local o = orders[(counter - 1) % #orders + 1]
  local lines
  if o.two then
    lines = "&lines[0].sku=" .. o.a .. "&lines[0].quantity=1" .. discount
      .. "&lines[1].sku=" .. o.b .. "&lines[1].quantity=0"
  else
    lines = "&lines[0].sku=" .. o.a .. "&lines[0].quantity=2" .. discount
      .. "&lines[1].sku=" .. o.b .. "&lines[1].quantity=1"
  end
  local body = "action=save"
    .. "&idempotency_key=" .. run .. "-" .. tid .. "-" .. counter
    .. "&csrf_token=" .. csrf
    .. "&expected_version=" .. o.version
    .. "&ship_to=new"
    .. "&shipping.name=Bench+Customer&shipping.line1=1+Bench+Street&shipping.city=Testville&shipping.country=GB"
    .. lines
    .. priced
  return wrk.format("POST", "/orders/" .. o.id .. "/edit", nil, body)
end

-- 303 to the order is success; anything else (a re-rendered form: 409 for
-- a stale version, 422) is not, and leaves the order as it was.
function response(status, headers, body)
  if status == 303 then
    edited = edited + 1
    local location = headers["Location"] or headers["location"] or ""
    local o = by_id[location:match("^/orders/(%d+)") or ""]
    if o then
      o.version = o.version + 1
      o.two = not o.two
    end
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local e_, o_ = 0, 0
  for _, t in ipairs(threads) do
    e_ = e_ + t:get("edited")
    o_ = o_ + t:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx3xx=%d connect=%d read=%d write=%d timeout=%d edited=%d not303=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect, e.read, e.write, e.timeout, e_, o_))
end
