DROP TABLE bulk_submissions;
