"""Chinese full-text search over goals, outcomes and free-text fields (`jixiao search`).

``index`` cuts passages into words with jieba and the project's user dictionary and writes
the word index when a submission is loaded; ``query`` ranks passages with BM25 in SQL.
"""
