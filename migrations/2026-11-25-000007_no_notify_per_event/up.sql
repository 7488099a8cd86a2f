-- The `events` trigger NOTIFYed on every event. PostgreSQL serialises the
-- commits of notifying transactions (one lock for the whole cluster), and
-- script/bench measured what that costs writers: direct placement, 16 clients,
-- 521 orders/s with the trigger against 882/s without it (1 client: 146 vs
-- 237/s), same run. The maintainer no longer needs it: the server wakes its
-- maintainer itself after each command it commits, and the maintainer polls
-- (maintainer_poll_ms, 250 ms by default) for writes made by other processes.
DROP TRIGGER events_notify ON events;
DROP FUNCTION notify_event();
