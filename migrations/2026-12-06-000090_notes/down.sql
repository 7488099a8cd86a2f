DELETE FROM read_model_live WHERE name = 'notes';
DROP TABLE read.notes;
DROP TABLE notes;
