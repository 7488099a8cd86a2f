-- Live model $1's differing rows were replaced (in the repair's
-- transaction): a new generation, so no page keeps a copy from before.
UPDATE read_model_live SET generation = generation + 1 WHERE name = $1
