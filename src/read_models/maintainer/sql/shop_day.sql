-- The shop's day now, and the day the dashboard and the 30-day window stand at.
SELECT read_def.shop_today() AS today, (SELECT max(day) FROM read.dashboard) AS stored
