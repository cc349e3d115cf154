-- Entity names are grouped by lower(); on Postgres that depends on the database's LC_CTYPE. A
-- database created with the C locale lowercases ASCII only ("ÉLISE" -> "Élise"), which would split
-- entities differently than DuckDB. Use a UTF-8 locale (e.g. C.UTF-8 or en_US.UTF-8).
select 'lower() is not Unicode-aware in this database; create it with a UTF-8 LC_CTYPE' as problem
where lower('ÉLISE ΟΔΟΣ Ǆ') <> 'élise οδοσ ǆ'
