-- A page of import job $1's rows after row $3, of outcome $2 (NULL: all).
SELECT * FROM read.import_rows($1, $2, $3, $4)
