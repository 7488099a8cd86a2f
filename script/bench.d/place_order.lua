-- POST /orders with action=place, as the order-entry form does: the session's
-- CSRF token, a unique idempotency key per request (run tag, thread, counter),
-- one line of one unit, customers and SKUs spread over the given ranges.
-- wrk ... -s place_order.lua URL -- <csrf_token> <max customer id> <sku,sku,...> <run tag> [<rate id>]
-- With a fifth argument the order is priced (issue 24): 10% off its line,
-- 2.00 off the order, 4.99 shipping taxed at the given rate.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  csrf = args[1]
  customers = tonumber(args[2])
  skus = {}
  for s in string.gmatch(args[3], "[^,]+") do
    table.insert(skus, s)
  end
  run = args[4]
  priced = ""
  if args[5] and args[5] ~= "" then
    priced = "&lines[0].discount=10%25&order_discount=2.00&shipping_charge=4.99&shipping_tax_rate=" .. args[5]
  end
  -- wrk.format's own headers argument would replace wrk.headers (and with
  -- them the session cookie given with -H), so add the content type here.
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  counter = 0
  placed = 0
  other = 0
end

function request()
  counter = counter + 1
  local n = counter * 7919 + tid * 104729
  local body = "action=place"
    .. "&idempotency_key=" .. run .. "-" .. tid .. "-" .. counter
    .. "&csrf_token=" .. csrf
    .. "&customer_id=" .. (n % customers + 1)
    .. "&shipping.name=Bench+Customer&shipping.line1=1+Bench+Street&shipping.city=Testville&shipping.country=GB"
    .. "&lines[0].sku=" .. skus[n % #skus + 1]
    .. "&lines[0].quantity=1"
    .. priced
  return wrk.format("POST", "/orders", nil, body)
end

-- 303 to the new order is success; anything else (a re-rendered form) is not.
function response(status, headers, body)
  if status == 303 then
    placed = placed + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local p, o = 0, 0
  for _, t in ipairs(threads) do
    p = p + t:get("placed")
    o = o + t:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx3xx=%d connect=%d read=%d write=%d timeout=%d placed=%d not303=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect, e.read, e.write, e.timeout, p, o))
end
