"""The analysts' views (and tables) for people who do not write SQL: `jixiao export`.

``objects`` says what is exported, with its columns, types and ``labels``, and is the only
place that writes the queries; ``xlsx``, ``parquet`` and ``csv`` each turn those into files.
"""
