-- Personal data leaves the analysts' file: contacts live in their own file beside it
-- (jixiao.contacts.duckdb, mode 0600). A migration cannot write another file inside its
-- transaction, so the rows of an old warehouse wait here under another name; the night's
-- publish step moves them into the contacts file and rebuilds the warehouse without them
-- (pipeline/warehouse/contacts.py).
alter table if exists contacts rename to contacts_to_move;
