"""The company's pages: the provider portal (/empresa), where a company without IT answers its reclamos."""
