"""The programme rules as plain Python: no Qt, no SQLAlchemy, no file formats but TOML."""
