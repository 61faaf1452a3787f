"""One extractor per file format; each returns an ``Extracted``."""
