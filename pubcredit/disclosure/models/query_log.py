"""The query log (查询日志): every look at non-public information, kept per the pack."""
