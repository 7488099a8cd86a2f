DROP FUNCTION read.session_lookup(text, double precision);
