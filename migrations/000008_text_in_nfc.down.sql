-- Nothing to undo: text in normal form C is the same text, and which rows
-- were in another form before is not known any more.
SELECT 1;
