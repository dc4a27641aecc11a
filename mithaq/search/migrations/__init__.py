# The planner estimates how many cases a word finds from the index expression's statistics:
# with the default target an unknown word is thought to match ~0.3% of a million cases, and
# a search for it walks the whole table newest first. A larger sample (10,000 most common
# words kept) brings that estimate down to where the full-text index is used.
STATISTICS_SQL = "ALTER INDEX case_search_fts ALTER COLUMN 1 SET STATISTICS 1000"
