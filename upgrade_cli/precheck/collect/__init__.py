"""Two collectors, one Catalog: ``live`` (pymysql, read-only) and ``dump`` (mysqldump text).

``normalize`` holds the value rules both share; ``cursor``, ``types`` and ``tables`` are the dump
parser's grammar, ``dump`` its driver.
"""
