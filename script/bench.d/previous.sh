# script/bench --previous (sourced by script/bench): issue 24's target as
# written, "placing an order with discounts, shipping and tax costs ≤ 1.2×
# placing a plain order with the previous commit's binary", on one database.
#
# PREVIOUS (default 61016b8^, the commit before the money change's first
# slice) is built in release in its own worktree and target directory
# (PREVIOUS_DIR, PREVIOUS_TARGET: kept, so a second run does not rebuild).
# Its binary seeds a 100k database of its own schema and places plain orders,
# direct and HTTP, for PREVIOUS_ROUNDS rounds; then this commit's binary
# migrates that same database (the money migrations fill every order's
# stored totals) and places plain and priced orders the same way. The old
# schema cannot take the new binary nor the reverse, so the two binaries run
# one after the other, not alternated: the database grows by the first
# part's orders (a few percent) before the second. Writes
# target/bench/PREVIOUS.md.

PREVIOUS=${PREVIOUS:-61016b8^}
PREV_DIR=${PREVIOUS_DIR:-target/bench/previous-src}
PREV_TARGET=${PREVIOUS_TARGET:-target/bench/previous-target}
PREV_ROUNDS=${PREVIOUS_ROUNDS:-2}
PLACE_SECS=${PREVIOUS_SECS:-10}
# PREVIOUS_MAINTAINER=off: both servers without their read-model maintainer,
# so the figures are the commands' own cost (the maintainer shares the 2 cores).
PREV_ENV=()
[[ ${PREVIOUS_MAINTAINER:-on} == off ]] && PREV_ENV=("${MAINTAINER_OFF[@]}")
db=orderdesk_bench_previous
url=$(url_of "$db")
prev_commit=$(git rev-parse --short "$PREVIOUS")
if [[ ! -d $PREV_DIR ]] || [[ $(git -C "$PREV_DIR" rev-parse --short HEAD) != "$prev_commit" ]]; then
  rm -rf "$PREV_DIR"; git worktree prune
  git worktree add --detach "$PREV_DIR" "$prev_commit" >/dev/null
fi
say "previous: building $prev_commit in release ($PREV_DIR, target $PREV_TARGET)"
PREV_TARGET=$(realpath -m "$PREV_TARGET")
(cd "$PREV_DIR" && CARGO_TARGET_DIR=$PREV_TARGET \
  cargo build --release --quiet --bin orderdesk --example orderdesk-bench)
OLD_BIN=$(realpath "$PREV_TARGET/release/orderdesk")
OLD_BENCH=$(realpath "$PREV_TARGET/release/examples/orderdesk-bench")

drop_db "$db"
psql_at postgres "CREATE DATABASE $db" >/dev/null
say "previous: $prev_commit migrates and seeds 100k ($(seed_args 100k))"
(cd "$PREV_DIR" && DATABASE_URL=$url "$OLD_BIN" migrate) >"$LOG/prev-migrate.log" 2>&1
start=$(date +%s.%N)
# shellcheck disable=SC2046
(cd "$PREV_DIR" && DATABASE_URL=$url "$OLD_BIN" seed $(seed_args 100k) --quiet) >"$LOG/prev-seed.log" 2>&1
seed_s=$(secs_since "$start")
(cd "$PREV_DIR" && DATABASE_URL=$url "$OLD_BIN" refresh) >"$LOG/prev-fill.log" 2>&1

# One round of orders by the load generator `$2` (the old or new binary's) and
# the server running: direct, then HTTP with $LUA; priced with `--priced rate`.
declare -A R
place_round() { # tag bench skus round [--priced rate]
  local tag=$1 bench=$2 skus=$3 r=$4 priced=${5:-} rate=${6:-} wtag
  DATABASE_URL=$url "$bench" place --clients 16 --secs "$PLACE_SECS" --skus "$skus" \
    --customers "$CUSTOMERS" ${priced:+"$priced"} >"$LOG/prev-direct-$tag-$r.log" 2>&1 ||
    say "direct $tag failed"
  R[direct,$tag,$r]=$(field "$(line_of "$LOG/prev-direct-$tag-$r.log" 'PLACE ')" orders_per_s)
  wtag=bp$tag$r$RANDOM
  wrk -t2 -c16 -d"${PLACE_SECS}s" --latency -s "$LUA" -H "$COOKIE" \
    "http://127.0.0.1:$PORT/orders" -- "$CSRF" "$CUSTOMERS" "$skus" "$wtag" ${rate:+"$rate"} \
    >"$LOG/prev-http-$tag-$r.log" 2>&1
  R[http,$tag,$r]=$(f "$(psql_at "$db" "SELECT count(*) FROM orders WHERE idempotency_key LIKE '$wtag-%'") / $PLACE_SECS")
  say "previous: $tag #$r direct ${R[direct,$tag,$r]}/s, HTTP ${R[http,$tag,$r]}/s"
}

# The previous binary: plain orders (all it knows), its own server, script and bench.
DATABASE_URL=$url "$OLD_BENCH" prepare --products 200 --units 20000 >"$LOG/prev-prepare-old.log"
OLD_SKUS=$(sed -n 's/^SKUS=//p' "$LOG/prev-prepare-old.log")
CUSTOMERS=$(sed -n 's/^CUSTOMERS=//p' "$LOG/prev-prepare-old.log")
BENCH_USER=benchprev
PASSWORD=bench-password-$RANDOM$RANDOM
echo "$PASSWORD" | DATABASE_URL=$url "$OLD_BIN" user add --username "$BENCH_USER" --role clerk >/dev/null
(cd "$PREV_DIR" && exec env DATABASE_URL="$(url_as orderdesk_app "$db")" \
  READ_DATABASE_URL="$(url_as orderdesk_reader "$db")" ROCKET_PORT="$PORT" "${PREV_ENV[@]}" "$OLD_BIN" serve) \
  >"$LOG/prev-server-old.log" 2>&1 &
SERVER_PID=$!
until curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do
  kill -0 "$SERVER_PID" 2>/dev/null || { say "the previous server did not start"; exit 1; }
  sleep 0.2
done
sign_in
LUA=$PREV_DIR/script/bench.d/place_order.lua
for r in $(seq 1 "$PREV_ROUNDS"); do place_round old "$OLD_BENCH" "$OLD_SKUS" "$r"; done
stop_server "$db"
OLD_ORDERS=$(psql_at "$db" "SELECT count(*) FROM orders")

# This commit's binary on the same database, migrated: plain and priced.
start=$(date +%s.%N)
DATABASE_URL=$url "$BIN" migrate >"$LOG/prev-migrate-new.log" 2>&1
migrate_s=$(secs_since "$start")
DATABASE_URL=$url "$BIN" refresh >"$LOG/prev-catchup-new.log" 2>&1
DATABASE_URL=$url "$BENCH" prepare --products 200 --units 20000 --min-price-cents 500 \
  --tax-rate-ppm 0 >"$LOG/prev-prepare-plain.log"
DATABASE_URL=$url "$BENCH" prepare --products 200 --units 20000 --min-price-cents 500 \
  --offset 200 --tax-rate-ppm 200000 >"$LOG/prev-prepare-priced.log"
PLAIN_SKUS=$(sed -n 's/^SKUS=//p' "$LOG/prev-prepare-plain.log")
PRICED_SKUS=$(sed -n 's/^SKUS=//p' "$LOG/prev-prepare-priced.log")
RATE=$(sed -n 's/^TAX_RATE=//p' "$LOG/prev-prepare-priced.log")
start_server "$db" prev-server-new "${PREV_ENV[@]}"
sign_in
LUA=script/bench.d/place_order.lua
for r in $(seq 1 "$PREV_ROUNDS"); do
  place_round plain "$BENCH" "$PLAIN_SKUS" "$r"
  place_round priced "$BENCH" "$PRICED_SKUS" "$r" --priced "$RATE"
done
stop_server "$db"
PRICED_CHECK=$(psql_at "$db" "SELECT count(*) || ' orders, shipping ' || min(shipping_cents) || '..' || max(shipping_cents)
  || ' cents, tax ' || min(tax_total_cents) || '..' || max(tax_total_cents) || ' cents'
  FROM orders WHERE idempotency_key LIKE 'bppriced%'")

mean() { # path tag
  local sum=0 r
  for r in $(seq 1 "$PREV_ROUNDS"); do sum=$(f "$sum + ${R[$1,$2,$r]:-0}" 2); done
  f "$sum / $PREV_ROUNDS" 1
}
{
  echo "# Priced orders against the previous binary's plain ones (\`script/bench --previous\`, issue 24)"
  echo
  echo "Measured on $(date -u '+%Y-%m-%d %H:%M UTC'): this commit $(git rev-parse --short HEAD) against $prev_commit"
  echo "(\`$PREVIOUS\`), both release builds; $(machine)"
  echo "Data: 100k ($(seed_args 100k)) seeded by $prev_commit in $seed_s s; $OLD_ORDERS orders when"
  echo "this commit's binary migrated it ($migrate_s s). Load average at the end: $(load_avg). Logs: \`$LOG/\`."
  echo
  echo "16 clients, $PREV_ROUNDS rounds of $PLACE_SECS s per binary and kind, direct then HTTP in each; the"
  echo "server's maintainer ${PREVIOUS_MAINTAINER:-on}. Stored check of the priced HTTP orders: $PRICED_CHECK."
  echo
  echo "| path | previous binary, plain orders/s | this binary, plain | this binary, priced | cost ratio previous plain ÷ priced | |"
  echo "| --- | --- | --- | --- | --- | --- |"
  for path in direct http; do
    old=$(mean "$path" old); plain=$(mean "$path" plain); priced=$(mean "$path" priced)
    cost=$(ratio "$old" "$priced")
    echo "| $path | $old | $plain | $priced | **$cost** | $([[ $cost == n/a ]] && echo n/a || met "$cost <= 1.2") |"
  done
  echo
  echo "Rounds (orders/s): $(for k in "${!R[@]}"; do echo -n "$k=${R[$k]} "; done)"
} >"$OUT"
cat "$OUT" >&2
say "wrote $OUT"
drop_db "$db"
exit 0
