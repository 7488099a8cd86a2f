-- Prints one machine-readable line after a wrk run (script/bench parses it).
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx3xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect, e.read, e.write, e.timeout))
end
