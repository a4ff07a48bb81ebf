"""The citizen's pages (filed reclamos, estado de su caso): empty for now; a later issue fills it."""
