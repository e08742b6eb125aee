-- Every foreign key of the extension's tables has an index leading with its column, so that
-- deleting a resident, unit or area never scans a whole referencing table.
SELECT c.conrelid::regclass AS referencing_table, a.attname AS column_name,
       c.confrelid::regclass AS referenced_table
FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.contype = 'f' AND c.connamespace = 'commgrid'::regnamespace
  AND NOT EXISTS (SELECT FROM pg_index i
                  WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
ORDER BY 1::text, 2;
