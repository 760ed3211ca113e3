"""Publishing the catalogue: a Parquet release switched in atomically, the DuckDB database built
from it, and the lock that keeps two runs from writing one catalogue folder.

Layout of the catalogue folder:
  parquet -> releases/<run_id>     symlink, swapped in one rename once a release is complete
  releases/<run_id>/               <table>.parquet; a partitioned table as <table>/<column>=<v>/
  catalogue.duckdb                 built beside, then renamed over the previous one
  state/                           per-source cache (validators and last good records)
A crash at any point leaves the previous release and database readable and whole.
"""
