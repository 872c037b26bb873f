-- A conversation's state beyond its entries. Same portable SQL as 0001 (one column per
-- ALTER TABLE, which SQLite requires).
-- `closed_at`: when an operator closed it; NULL while open. A customer's message reopens it.
ALTER TABLE conversations ADD COLUMN closed_at BIGINT;
-- `deleted_at`: when it was deleted on request (by its customer or an operator). Its
-- entries, pictures and token are gone then; the row and its consents stay as the record
-- that the privacy gate was passed, until retention removes them like any other.
ALTER TABLE conversations ADD COLUMN deleted_at BIGINT;
