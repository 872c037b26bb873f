-- What the relay masked in an entry, by the shop's policy: the categories' names as the
-- policy writes them (`EMAIL,NATIONAL_ID`), comma-separated, never the values; NULL when
-- nothing was masked. Transcripts list them. Same portable SQL as 0001.
ALTER TABLE entries ADD COLUMN masked TEXT;
