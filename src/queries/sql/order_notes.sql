-- An order's notes, newest first (index notes_order): $1 the order, $2 how many.
SELECT id, author_user_id, author, body, created_at
FROM read.notes
WHERE order_id = $1
ORDER BY created_at DESC, id DESC
LIMIT $2
