"""Use cases as plain functions: each takes a Session; the caller owns the transaction."""
