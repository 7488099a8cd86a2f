-- A customer's notes, newest first (index notes_customer): $1 the customer, $2 how many.
SELECT id, author_user_id, author, body, created_at
FROM read.notes
WHERE customer_id = $1
ORDER BY created_at DESC, id DESC
LIMIT $2
