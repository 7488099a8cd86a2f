DROP FUNCTION read.live_freshness(text, text[]);
