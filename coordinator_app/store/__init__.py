"""SQLite storage through SQLAlchemy 2.x: models, engine, migrations, queries."""
